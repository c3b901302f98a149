// dateline-serve: the HTTP server — JSON API, search pages, the <dateline-search> widget, article writes.
#include "http_config.hpp"
#include "http_server.hpp"
#include "http_static.hpp"

#include "common/cli.hpp"
#include "common/data_dir.hpp"
#include "common/errors.hpp"
#include "common/schema.hpp"

#include <boost/program_options.hpp>
#include <xapian.h>

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace po = boost::program_options;
using namespace dateline;
using common::k_exit_ok;

int main(int argc, char** argv) {
    std::vector<std::string> dbs;
    std::vector<std::string> origins;
    std::string listen;
    std::string config_file;
    std::string web_root;
    std::string token_file;
    std::string write_db;
    std::string site_name;
    unsigned threads = 0;
    std::size_t search_slots = 0;
    std::size_t cache_entries = 0;
    bool no_access_log = false;
    po::options_description desc(
        "Usage: dateline-serve --db DIR [OPTIONS]\n\n"
        "Serve a dateline index over HTTP: the JSON API (/api/search, /api/suggest, /api/articles/ID, ...),\n"
        "search pages (/), the <dateline-search> widget (/widget.js) and, with a token, article writes.\n"
        "Options given here override the configuration file. Stop with SIGTERM or Ctrl-C: requests in\n"
        "progress are answered first.\n\nOptions");
    desc.add_options()
        ("help,h", "show this help")
        ("version", "show the version")
        ("db,d", po::value(&dbs)->value_name("DIR"), "index directory, or tcp:HOST:PORT; repeat for shards")
        ("listen,l", po::value(&listen)->value_name("HOST:PORT"), "address to listen on (default 127.0.0.1:8080; port 0 picks one)")
        ("config,c", po::value(&config_file)->value_name("FILE"), "JSON configuration file (see docs/API.md)")
        ("threads,j", po::value(&threads)->value_name("N"), "worker threads, each with its own index handle (default 4 per core, 16 to 64)")
        ("search-slots", po::value(&search_slots)->value_name("N"), "searches run at once, the others wait in arrival order (default: cores + 1; 0: no limit)")
        ("web-root", po::value(&web_root)->value_name("DIR"), "directory of widget.js, example.html and style.css")
        ("token-file", po::value(&token_file)->value_name("FILE"), "file holding the bearer token that enables PUT/DELETE/POST /api/articles")
        ("write-db", po::value(&write_db)->value_name("DIR"), "index the write routes change (default: the first --db)")
        ("allow-origin", po::value(&origins)->value_name("URL"), "origin allowed to call the API from browsers, e.g. https://news.example; repeatable; '*' for read-only routes")
        ("cache-entries", po::value(&cache_entries)->value_name("N"), "API responses kept for repeated requests (default 1024; 0: no cache)")
        ("site-name", po::value(&site_name)->value_name("NAME"), "name shown in pages and /opensearch.xml (default dateline)")
        ("no-access-log", po::bool_switch(&no_access_log), "do not log requests on stderr");
    try {
        po::variables_map vm;
        po::store(po::parse_command_line(argc, argv, desc), vm);
        po::notify(vm);
        if (vm.count("help")) {
            std::cout << desc << '\n';
            return k_exit_ok;
        }
        if (vm.count("version")) {
            std::cout << "dateline-serve " << DATELINE_VERSION << " (index layout " << common::schema::k_index_version << ", Xapian "
                      << Xapian::version_string() << ")\n";
            return k_exit_ok;
        }
        server::ServerConfig config;
        config.version = DATELINE_VERSION;
        if (!config_file.empty()) server::load_config_file(config_file, config);
        if (!dbs.empty()) config.databases = dbs;
        if (!listen.empty()) server::set_listen_address(listen, config);
        if (vm.count("threads")) {
            if (threads == 0 || threads > 1024) throw common::UsageError("--threads " + std::to_string(threads) + " is out of range; expected 1 to 1024");
            config.threads = threads;
        }
        if (vm.count("search-slots")) {
            if (search_slots > 1024) throw common::UsageError("--search-slots " + std::to_string(search_slots) + " is out of range; expected 0 to 1024");
            config.search_slots = search_slots;
        }
        if (!web_root.empty()) config.web_root = web_root;
        if (config.web_root.empty()) {
            // An installed copy serves its own share/dateline/web, never the source tree it was built from.
            config.web_root = server::default_web_root(common::runs_from_build_tree() ? DATELINE_SOURCE_WEB_ROOT : "",
                                                       (common::installed_data_dir() / "web").string());
        }
        if (!token_file.empty()) config.write_token = server::read_token_file(token_file);
        if (!write_db.empty()) config.write_database = write_db;
        if (!origins.empty()) config.allowed_origins = origins;
        if (!site_name.empty()) config.site_name = site_name;
        if (vm.count("cache-entries")) {
            if (cache_entries > 1000000) {
                throw common::UsageError("--cache-entries " + std::to_string(cache_entries) + " is out of range; expected 0 to 1000000");
            }
            config.cache_entries = cache_entries;
        }
        if (no_access_log) config.access_log = false;
        server::validate(config);

        // SIGINT/SIGTERM are taken by one thread with sigwait(); every other thread (the workers are
        // created later and inherit this mask) leaves them blocked.
        sigset_t signals;
        sigemptyset(&signals);
        sigaddset(&signals, SIGINT);
        sigaddset(&signals, SIGTERM);
        sigaddset(&signals, SIGUSR1);
        pthread_sigmask(SIG_BLOCK, &signals, nullptr);
        std::signal(SIGPIPE, SIG_IGN);

        server::HttpServer server(config);
        const int port = server.bind();
        std::atomic<bool> serving{true};
        std::thread signal_thread([&] {
            for (;;) {
                int signal = 0;
                sigwait(&signals, &signal);
                if (signal == SIGINT || signal == SIGTERM) {
                    std::cerr << "dateline-serve: " << (signal == SIGINT ? "SIGINT" : "SIGTERM") << ": finishing requests in progress\n";
                    // A signal that arrives before the listening loop has started would be lost by a single
                    // stop(): repeat it until serve() has returned.
                    while (serving) {
                        server.stop();
                        std::this_thread::sleep_for(std::chrono::milliseconds(10));
                    }
                    return;
                }
                if (!serving) return;
            }
        });
        std::cout << "dateline-serve: listening on http://" << (config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host)
                  << ":" << port << "/" << (config.write_token.empty() ? "" : " (writes enabled)") << std::endl;
        server.serve();
        serving = false;
        // serve() also returns if the listening socket fails: wake the signal thread so it can be joined.
        pthread_kill(signal_thread.native_handle(), SIGUSR1);
        signal_thread.join();
        std::cerr << "dateline-serve: stopped\n";
        return k_exit_ok;
    } catch (...) {
        return common::report_current_exception("dateline-serve");
    }
}
