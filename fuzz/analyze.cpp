// Fuzz target: the analysis pipeline as the indexer runs it on an article (language detection, tokenizer, stems,
// places and dateline, near-duplicate signature: DocumentBuilder) and as the searcher runs it on query text
// (normalize_query, exact terms). Input: the title, a newline, the body.
#include "fuzz_support.hpp"

#include "indexer/document_builder.hpp"

#include "common/analysis_setup.hpp"
#include "common/text.hpp"

#include <memory>

namespace {

const std::shared_ptr<const dateline::common::Analyzer>& analyzer() {
    static const std::shared_ptr<const dateline::common::Analyzer> a = dateline::common::make_current_analyzer();
    return a;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    static_cast<void>(analyzer());
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The readers hand the analysis valid UTF-8 (repaired), and so does the server's query parsing.
    const std::string text = dateline::common::repair_utf8(dateline::fuzz::as_text(data, size)).text;
    static const dateline::indexer::DocumentBuilder builder(analyzer(), dateline::indexer::DocumentBuilderOptions{});
    const std::vector<std::string> fields = dateline::fuzz::split_fields(text, 2);
    dateline::common::Article article;
    article.title = fields[0];
    article.body = fields[1];
    article.source = "fuzz";
    static_cast<void>(builder.build(article));
    static_cast<void>(analyzer()->normalize_query(text));
    static_cast<void>(analyzer()->exact_terms(text));
    return 0;
}
