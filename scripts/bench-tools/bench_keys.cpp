// Prints "article-id<TAB>collapse-key" for every document of a dateline index (duplicate-group evaluation).
#include "common/schema.hpp"

#include <xapian.h>

#include <iostream>
#include <string>

namespace schema = dateline::common::schema;

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: bench-keys DB\n";
        return 2;
    }
    try {
        Xapian::Database db(argv[1]);
        const std::string id_prefix(schema::k_prefix_id);
        for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
            const Xapian::Document doc = db.get_document(*it);
            std::string id;
            auto t = doc.termlist_begin();
            t.skip_to(id_prefix);
            if (t != doc.termlist_end() && (*t).rfind(id_prefix, 0) == 0) id = (*t).substr(id_prefix.size());
            std::cout << id << '\t' << doc.get_value(schema::k_slot_collapse) << '\n';
        }
    } catch (const Xapian::Error& e) {
        std::cerr << "bench-keys: " << e.get_description() << '\n';
        return 1;
    }
    return 0;
}
