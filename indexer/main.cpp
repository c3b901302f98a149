// dateline-index: the indexer's command line (add, analyze, delete), git-style subcommands.
#include "crawl_cli.hpp"
#include "compaction.hpp"
#include "diagnostics.hpp"
#include "formats.hpp"
#include "index_writer.hpp"

#include "common/analysis.hpp"
#include "common/analysis_setup.hpp"
#include "common/places.hpp"
#include "common/cli.hpp"
#include "common/errors.hpp"
#include "common/language.hpp"
#include "common/schema.hpp"
#include "common/text.hpp"

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace po = boost::program_options;
using namespace dateline;
using common::k_exit_ok;
using common::k_exit_failure;
using common::k_exit_usage;
using common::k_exit_partial;
using common::k_exit_interrupted;

namespace {

const char* const k_overview =
    "Usage: dateline-index [COMMAND] [OPTIONS] ...\n"
    "\n"
    "Index English and French news articles into a dateline (Xapian) database.\n"
    "\n"
    "Commands:\n"
    "  add      --db DIR INPUT...   index articles (the default: 'dateline-index --db DIR INPUT...')\n"
    "  analyze  TEXT...             show the tokens and terms the analysis produces\n"
    "  places   TEXT...             show the places found in a text, and why\n"
    "  delete   --db DIR ID...      remove articles by id\n"
    "  crawl    --db DIR URL...     fetch a site's articles (sitemaps, feeds) over HTTP and index them\n"
    "  compact  --db DIR [--out NEW] compact the index's shards in place, or merge them into NEW\n"
    "\n"
    "Run 'dateline-index COMMAND --help' for the options of a command.\n"
    "Exit status: 0 ok, 1 failure, 2 usage error, 3 done but some input was skipped, 130 interrupted.\n";

/// The input formats for the add command's help, from the format table: names (the first is the --format
/// value, then its aliases), what a file holds, and the file names that say the format.
std::string formats_help() {
    std::vector<std::string> names;
    std::size_t width = 0;
    for (const indexer::InputFormatRow& row : indexer::input_formats()) {
        std::string name(row.name);
        for (const std::string_view alias : row.aliases) name += ", " + std::string(alias);
        width = std::max(width, name.size());
        names.push_back(std::move(name));
    }
    std::string text = "Formats (--format NAME; without it, each file's format is detected from its content, then its name):\n";
    for (std::size_t k = 0; k < names.size(); ++k) {
        const indexer::InputFormatRow& row = indexer::input_formats()[k];
        text += "  " + names[k] + std::string(width + 2 - names[k].size(), ' ') + std::string(row.summary);
        for (std::size_t e = 0; e < row.extensions.size(); ++e) {
            text += (e == 0 ? " (" : ", ") + std::string(row.extensions[e]) + (e + 1 == row.extensions.size() ? ")" : "");
        }
        text += '\n';
    }
    return text;
}

/// "auto, " and the names of the formats: the values of --format.
std::string format_values() {
    std::string values = "auto";
    for (const indexer::InputFormatRow& row : indexer::input_formats()) values += ", " + std::string(row.name);
    return values;
}

/// Ctrl-C and SIGTERM: the indexing run's cancel token (IndexOptions::cancel).
std::atomic<bool> g_interrupted{false};
void on_sigint(int) { g_interrupted = true; }

/// The report of one file's --sync deletions: "FILE: deleted N articles it no longer holds: ID, ID (and K more)".
std::string deletions_line(const indexer::FileDeletions& d) {
    std::string text = d.file + (d.vanished ? ": vanished; deleted " : ": deleted ") + std::to_string(d.count) +
                       (d.vanished ? " articles and its record" : " articles it no longer holds");
    for (std::size_t k = 0; k < d.ids.size(); ++k) text += (k == 0 ? ": " : ", ") + d.ids[k];
    if (d.count > d.ids.size()) text += " (and " + std::to_string(d.count - d.ids.size()) + " more)";
    return text + '\n';
}

int cmd_add(const std::vector<std::string>& args) {
    std::string db;
    std::string lang = "auto";
    std::string format = "auto";
    std::string source;
    std::string shard_by;
    std::vector<std::string> fields;
    std::vector<std::string> inputs;
    bool verbose = false;
    indexer::IndexOptions options;
    options.cancel = &g_interrupted;
    po::options_description desc(
        "Usage: dateline-index [add] --db DIR [OPTIONS] INPUT...\n\n"
        "Index articles from files, directories (recursively), .gz files, or '-' (standard input).\n"
        "Re-indexing an id replaces the article. Unchanged files are skipped (size and mtime).\n"
        "Runs only add and replace, unless --sync: then the index mirrors the inputs read again. The articles\n"
        "a re-read file gave before and no longer holds are deleted (not those another input now gives), and\n"
        "so are those of files that vanished from a directory INPUT; unchanged files keep theirs.\n\n" +
        formats_help() +
        "JSON article objects have the fields id, title, body, date, url, lang, source (see --field).\n\nOptions");
    desc.add_options()
        ("help,h", "show this help")
        ("db,d", po::value(&db)->value_name("DIR"), "database directory (created if missing)")
        ("lang,l", po::value(&lang)->value_name("en|fr|auto"), "language of articles that do not state one (default: auto = detect)")
        ("format,f", po::value(&format)->value_name("FORMAT"), (format_values() + " (default: auto)").c_str())
        ("source,s", po::value(&source)->value_name("NAME"), "source (publisher) name of every article read (default: the publisher the input names, else the host of the article's URL, else the input's directory)")
        ("field", po::value(&fields)->value_name("A=B"), "map an article field to an input field, e.g. body=article (repeatable)")
        ("threads,j", po::value(&options.threads)->value_name("N"), "analysis threads (default: one per core)")
        ("batch", po::value(&options.batch_size)->value_name("N"), "articles per commit (default: 1000)")
        ("shards", po::value(&options.shards)->value_name("N"), "a new index: N shard databases under DIR and a stub database listing them, one writer thread each (default: one per core, at most 4; 1: one database); an existing index keeps its shards")
        ("shard-by", po::value(&shard_by)->value_name("id|year"), "a new index: route articles to shards by a hash of their id (default, with --shards) or by year (one shard per year, created as its first article comes; past years' shards stop changing); an existing index keeps its routing")
        ("force", po::bool_switch(&options.force), "re-read files even if unchanged since the last run")
        ("sync", po::bool_switch(&options.sync), "delete the articles that re-read files no longer hold, and those of files gone from directory inputs")
        ("verbose,v", po::bool_switch(&verbose), "list every id --sync deletes (default: the first 10 per file)")
        ("quiet,q", po::bool_switch(&options.quiet), "no progress and no warnings (errors are still shown)");
    if (common::parse_command(args, desc, "input", inputs)) return k_exit_ok;
    if (db.empty()) throw common::UsageError("missing --db DIR: the database to write");
    if (inputs.empty()) throw common::UsageError("no INPUT given: name files, directories, or '-' for standard input");
    if (options.batch_size == 0) throw common::UsageError("--batch must be at least 1");
    options.shard_key = indexer::parse_shard_key(shard_by);
    if (options.shards == 0 && !std::filesystem::exists(db) && options.shard_key != common::ShardKey::year) {
        // A new index: one shard (and writer thread) per core, up to 4. An existing one keeps its layout.
        options.shards = indexer::default_new_index_shards();
    }
    options.builder.default_lang = common::parse_lang_option(lang);
    if (verbose) options.max_reported_ids = static_cast<std::size_t>(-1);
    indexer::SourceOptions source_options;
    source_options.format = indexer::parse_input_format(format);
    source_options.source_name = source;
    for (const auto& f : fields) source_options.fields.add(f);

    std::signal(SIGINT, on_sigint);
    std::signal(SIGTERM, on_sigint);
    indexer::Diagnostics diagnostics(std::cerr, options.quiet);
    const indexer::IndexSummary s = indexer::index_inputs(db, inputs, source_options, options, diagnostics);
    for (const indexer::FileDeletions& d : s.deletions) std::cerr << deletions_line(d);
    char deleted[128] = "";
    if (options.sync) {
        std::snprintf(deleted, sizeof deleted, "; deleted %zu articles no longer in their files (%zu files vanished)",
                      s.articles_deleted, s.files_vanished);
    }
    char line[640];
    std::snprintf(line, sizeof line,
                  "indexed %zu articles from %zu files in %.1f s (%.0f articles/s)%s; %zu unchanged files skipped; "
                  "%zu errors (records skipped), %zu warnings%s\n",
                  s.articles_indexed, s.files_read, s.seconds,
                  s.seconds > 0 ? static_cast<double>(s.articles_indexed) / s.seconds : 0.0, deleted, s.files_unchanged,
                  s.errors, s.warnings, s.interrupted ? "; interrupted: what was read is committed" : "");
    std::cerr << line;
    if (s.interrupted) return k_exit_interrupted;
    if (s.errors > 0) return s.articles_indexed > 0 || s.files_read > 0 ? k_exit_partial : k_exit_failure;
    return k_exit_ok;
}

const char* kind_name(common::TokenKind kind) {
    switch (kind) {
        case common::TokenKind::word: return "word";
        case common::TokenKind::number: return "number";
        case common::TokenKind::acronym: return "acronym";
        case common::TokenKind::compound: return "compound";
    }
    return "word";
}

/// The TEXT arguments joined by spaces, or standard input for a single "-"; repaired to valid UTF-8.
std::string text_argument(const std::vector<std::string>& words) {
    std::string text;
    if (words.size() == 1 && words[0] == "-") {
        text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
        for (const auto& w : words) text += (text.empty() ? "" : " ") + w;
    }
    const auto repaired = common::repair_utf8(text);
    if (repaired.replaced > 0 || repaired.decoded_as_latin1) {
        std::cerr << "warning: input is not valid UTF-8; "
                  << (repaired.decoded_as_latin1 ? "decoded as Latin-1" : "invalid bytes replaced by U+FFFD") << '\n';
    }
    return repaired.text;
}

int cmd_analyze(const std::vector<std::string>& args) {
    std::string lang = "auto";
    bool json = false;
    std::vector<std::string> words;
    po::options_description desc(
        "Usage: dateline-index analyze [--lang en|fr|auto] [--json] TEXT...\n\n"
        "Show how dateline analyses TEXT: tokens with positions and byte offsets, the stems, and the\n"
        "terms the index stores (same pipeline as indexing and searching). TEXT '-' reads standard input.\n\nOptions");
    desc.add_options()
        ("help,h", "show this help")
        ("lang,l", po::value(&lang)->value_name("en|fr|auto"), "language of the text (default: auto = detect)")
        ("json", po::bool_switch(&json), "print JSON");
    if (common::parse_command(args, desc, "text", words)) return k_exit_ok;
    if (words.empty()) throw common::UsageError("no TEXT given");
    const std::string text = text_argument(words);
    common::Lang language = common::parse_lang_option(lang);
    std::string method = "given";
    if (language == common::Lang::unknown) {
        const auto guess = common::detect_language(text);
        language = guess.lang == common::Lang::unknown ? common::Lang::en : guess.lang;
        method = guess.lang == common::Lang::unknown ? "default" : std::string(guess.method);
    }
    const auto analyzer = indexer::make_index_analyzer();
    const auto tokens = analyzer->tokenize(text);
    Xapian::Document doc;
    common::FieldOptions field;
    field.word_prefix = "";
    field.stem_prefix = common::schema::k_prefix_stem;
    analyzer->index_text(doc, text, language, field);

    nlohmann::json out;
    out["language"] = common::lang_code(language);
    out["language_method"] = method;
    auto& arr = out["tokens"] = nlohmann::json::array();
    for (const auto& t : tokens) {
        nlohmann::json row;
        row["position"] = t.position;
        row["text"] = text.substr(t.begin, t.end - t.begin);
        row["start"] = t.begin;
        row["end"] = t.end;
        row["kind"] = kind_name(t.kind);
        row["lower"] = t.lower;
        row["folded"] = t.folded;
        // The analyzer's own rule, the one that writes the terms printed below.
        row["stems"] = analyzer->index_stems(t, language);
        row["protected"] = analyzer->is_protected(t.folded);
        arr.push_back(row);
    }
    auto& terms = out["terms"] = nlohmann::json::array();
    for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
        nlohmann::json term;
        term["term"] = *it;
        term["wdf"] = it.get_wdf();
        std::vector<Xapian::termpos> positions(it.positionlist_begin(), it.positionlist_end());
        if (!positions.empty()) term["positions"] = positions;
        terms.push_back(term);
    }
    if (json) {
        std::cout << out.dump(2) << '\n';
        return k_exit_ok;
    }
    std::cout << "language: " << out["language"].get<std::string>() << " (" << method << ")\n\n";
    std::printf("%-4s %-20s %-9s %-20s %-20s %s\n", "pos", "text", "kind", "folded", "stems", "offsets");
    for (const auto& row : arr) {
        std::string stems;
        for (const auto& stem : row["stems"]) stems += (stems.empty() ? "" : " ") + stem.get<std::string>();
        if (stems.empty()) stems = "(stopword)";
        std::printf("%-4u %-20s %-9s %-20s %-20s %zu-%zu%s\n", row["position"].get<unsigned>(),
                    row["text"].get<std::string>().c_str(), row["kind"].get<std::string>().c_str(),
                    row["folded"].get<std::string>().c_str(), stems.c_str(),
                    row["start"].get<std::size_t>(), row["end"].get<std::size_t>(),
                    row["protected"].get<bool>() ? "  (protected name)" : "");
    }
    std::cout << "\nterms:";
    for (const auto& t : terms) std::cout << ' ' << t["term"].get<std::string>();
    std::cout << '\n';
    return k_exit_ok;
}

int cmd_places(const std::vector<std::string>& args) {
    std::string lang = "auto";
    std::string title;
    bool json = false;
    bool explain = false;
    std::vector<std::string> words;
    po::options_description desc(
        "Usage: dateline-index places [--lang en|fr|auto] [--title TITLE] [--json] [--explain] TEXT...\n\n"
        "Show the places dateline finds in an article (TEXT is its body; '-' reads standard input),\n"
        "their salience, the dateline, and with --explain every candidate match and why it was kept or\n"
        "rejected. Articles keep the places of salience 0.3 or more.\n\nOptions");
    desc.add_options()
        ("help,h", "show this help")
        ("lang,l", po::value(&lang)->value_name("en|fr|auto"), "language of the text (default: auto = detect)")
        ("title,t", po::value(&title)->value_name("TITLE"), "the article's title")
        ("json", po::bool_switch(&json), "print JSON")
        ("explain", po::bool_switch(&explain), "list every match with its candidates and the reason");
    if (common::parse_command(args, desc, "text", words)) return k_exit_ok;
    // Without TEXT, the body comes from standard input when it is not a terminal.
    if (words.empty() && isatty(STDIN_FILENO) == 0) words.push_back("-");
    if (words.empty() && title.empty()) throw common::UsageError("no TEXT given");
    const std::string body = words.empty() ? std::string() : text_argument(words);
    title = common::repair_utf8(title).text;
    common::Lang language = common::parse_lang_option(lang);
    if (language == common::Lang::unknown) language = common::detect_language(title + "\n" + body).lang;
    const auto analyzer = indexer::make_index_analyzer();
    common::PlaceExtractorOptions options;
    options.explain = explain;
    const common::PlaceExtractor extractor(*common::shared_gazetteer(), analyzer, options);
    const common::ArticlePlaces found = extractor.extract(title, body, language);
    const common::Gazetteer& gazetteer = extractor.gazetteer();
    if (json) {
        std::cout << common::places_to_json(found, gazetteer, language) << '\n';
        return k_exit_ok;
    }
    if (found.dateline) {
        std::cout << "dateline: " << found.dateline->text << " → "
                  << (found.dateline->place_id.empty() ? std::string("(unknown place)") : found.dateline->place_id) << "\n\n";
    }
    std::cout << (found.places.empty() ? "no places found\n" : "places (most salient first; kept when salience >= 0.3):\n");
    for (const auto& p : found.places) {
        std::printf("  %-12s %-28s country %-3s salience %.2f  mentions %d%s\n", p.id.c_str(),
                    std::string(gazetteer.label(p.id, language)).c_str(), p.country.c_str(), p.salience, p.mentions,
                    p.in_title ? "  in title" : "");
    }
    if (!found.mentions.empty()) std::cout << "\nmentions:\n";
    for (const auto& m : found.mentions) {
        std::cout << "  " << (m.field == common::TextField::title ? "title" : "body ") << ' ' << m.begin << '-' << m.end << "  '"
                  << m.surface << "' → " << (m.id.empty() ? std::string("rejected") : m.id);
        if (m.demonym) std::cout << " (demonym)";
        if (m.metonym) std::cout << " (metonym)";
        if (m.dateline) std::cout << " (dateline)";
        std::string_view reason = m.reason;
        if (m.id.empty() && reason.starts_with("rejected: ")) reason.remove_prefix(std::string_view("rejected: ").size());
        if (!reason.empty()) std::cout << ": " << reason;
        std::cout << '\n';
    }
    return k_exit_ok;
}

int cmd_delete(const std::vector<std::string>& args) {
    std::string db;
    std::vector<std::string> ids;
    po::options_description desc("Usage: dateline-index delete --db DIR ID...\n\nRemove articles by id.\n\nOptions");
    desc.add_options()("help,h", "show this help")("db,d", po::value(&db)->value_name("DIR"), "database directory");
    if (common::parse_command(args, desc, "id", ids)) return k_exit_ok;
    if (db.empty()) throw common::UsageError("missing --db DIR: the database to change");
    if (ids.empty()) throw common::UsageError("no ID given");
    const std::size_t deleted = indexer::delete_articles(db, ids);
    std::cerr << "deleted " << deleted << " of " << ids.size() << " articles\n";
    return deleted == ids.size() ? k_exit_ok : k_exit_partial;
}

int cmd_compact(const std::vector<std::string>& args) {
    std::string db;
    std::string out;
    std::vector<std::string> extra;
    po::options_description desc(
        "Usage: dateline-index compact --db DIR [--out NEW]\n\n"
        "Compact an index with Xapian's compactor (as xapian-compact does): every shard in place, or with --out\n"
        "all shards merged into one new database NEW. Run it when no dateline-index writes to DIR.\n\nOptions");
    desc.add_options()
        ("help,h", "show this help")
        ("db,d", po::value(&db)->value_name("DIR"), "the index (a single database or a sharded index)")
        ("out,o", po::value(&out)->value_name("NEW"), "merge all shards into this new database instead");
    if (common::parse_command(args, desc, "extra", extra)) return k_exit_ok;
    if (db.empty()) throw common::UsageError("missing --db DIR: the index to compact");
    if (!extra.empty()) throw common::UsageError("unexpected argument '" + extra.front() + "'");
    const indexer::CompactionSummary s = out.empty() ? indexer::compact_in_place(db) : indexer::merge_shards(db, out);
    char line[256];
    std::snprintf(line, sizeof line, "%s %zu shards (%zu articles): %.1f MB -> %.1f MB", out.empty() ? "compacted" : "merged",
                  s.shards, s.documents, static_cast<double>(s.bytes_before) / 1e6, static_cast<double>(s.bytes_after) / 1e6);
    std::cerr << line;
    if (s.unchanged > 0) std::cerr << "; " << s.unchanged << " shards not written since their last compaction left as they were";
    std::cerr << '\n';
    return k_exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
            std::cout << k_overview;
            return args.empty() ? k_exit_usage : k_exit_ok;
        }
        if (args[0] == "--version") {
            std::cout << "dateline-index " << DATELINE_VERSION << " (index layout " << common::schema::k_index_version
                      << ", Xapian " << Xapian::version_string() << ")\n";
            return k_exit_ok;
        }
        const std::string command = args[0];
        if (command == "add") return cmd_add({args.begin() + 1, args.end()});
        if (command == "analyze") return cmd_analyze({args.begin() + 1, args.end()});
        if (command == "delete") return cmd_delete({args.begin() + 1, args.end()});
        if (command == "places") return cmd_places({args.begin() + 1, args.end()});
        if (command == "crawl") {
            std::signal(SIGINT, on_sigint);
            std::signal(SIGTERM, on_sigint);
            return indexer::crawl_command({args.begin() + 1, args.end()}, g_interrupted);
        }
        if (command == "compact") return cmd_compact({args.begin() + 1, args.end()});
        if (!command.starts_with("-") && !std::filesystem::exists(command)) {
            throw common::UsageError("unknown command '" + command + "'; expected one of: add, analyze, places, delete, crawl, compact (or --db DIR INPUT...)");
        }
        return cmd_add(args);
    } catch (...) {
        return common::report_current_exception("dateline-index");
    }
}
