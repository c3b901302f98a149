// Fixtures of the searcher tests: temporary indexes and loopback xapian-tcpsrv processes.
#include "search_fixture.hpp"

#include "indexer/diagnostics.hpp"

#include "common/errors.hpp"
#include "common/schema.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace dateline::test {

void index_files(const std::string& db, const std::vector<std::string>& inputs) {
    std::ostringstream messages;
    indexer::Diagnostics diagnostics(messages, true);
    indexer::IndexOptions options;
    options.quiet = true;
    options.threads = 2;
    indexer::index_inputs(db, inputs, indexer::SourceOptions{}, options, diagnostics);
}

void index_articles(const std::string& db, std::vector<common::Article> articles) {
    // Places given in the article are kept by the builder (it extracts places only when there are none).
    indexer::write_articles(db, articles);
}

searcher::Searcher& sample_searcher() {
    static searcher::Searcher s(searcher::open_index({sample_db()}));
    return s;
}

searcher::BuiltQuery sample_query(const std::string& text) {
    searcher::SearchRequest request;
    request.query = text;
    return sample_searcher().build_query(request);
}

namespace {

/// A database of `inputs` (relative to the sample corpus) in a directory removed at exit.
struct SampleIndex {
    TempDir dir{"dateline-search-sample"};
    std::string path;
    explicit SampleIndex(const std::vector<std::string>& inputs) {
        const std::string corpus = DATELINE_SAMPLE_CORPUS;
        std::vector<std::string> files;
        for (const auto& in : inputs) files.push_back(in.empty() ? corpus : corpus + "/" + in);
        path = dir / "db";
        index_files(path, files);
    }
};

int free_loopback_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot find a free loopback port");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool can_connect(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

// Each built on first use only: CTest runs every test case in its own process.
const std::string& sample_db() {
    static const SampleIndex index({""});
    return index.path;
}
const std::string& sample_en_db() {
    static const SampleIndex index({"articles_en.jsonl"});
    return index.path;
}
const std::string& sample_fr_db() {
    static const SampleIndex index({"articles_fr.jsonl"});
    return index.path;
}

common::Article make_article(std::string id, std::string title, std::string body, std::string date, common::Lang lang,
                             std::string source, std::vector<common::ArticlePlaceRef> places) {
    common::Article a;
    a.id = std::move(id);
    a.title = std::move(title);
    a.body = std::move(body);
    a.date = common::parse_news_date(date);
    a.lang = lang;
    a.lang_from_input = lang != common::Lang::unknown;
    a.source = std::move(source);
    a.places = std::move(places);
    a.url = "https://news.example/" + a.id;
    return a;
}

void add_filler_articles(std::vector<common::Article>& articles, int count, const std::string& date, common::Lang lang) {
    const bool french = lang == common::Lang::fr;
    for (int k = 0; k < count; ++k) {
        const std::string n = std::to_string(k);
        articles.push_back(make_article("other" + n, french ? "Météo" : "Weather",
                                        (french ? "Il a plu sur le port, jour " : "Rain over the harbour, day ") + n + ".", date, lang));
    }
}

bool have_tcpsrv() { return ::access("/usr/bin/xapian-tcpsrv", X_OK) == 0; }

TcpServer::TcpServer(const std::string& db) {
    for (int attempt = 0; attempt < 5; ++attempt) {
        m_port = free_loopback_port();
        const std::string port = std::to_string(m_port);
        std::vector<std::string> args = {"xapian-tcpsrv", "--quiet", "--interface", "127.0.0.1", "--port", port, db};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        // Its own process group (it signals its group on exit) and no output (it logs closed connections).
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&attr, 0);
        posix_spawn_file_actions_t files;
        posix_spawn_file_actions_init(&files);
        posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&files, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
        pid_t pid = 0;
        const int spawned = ::posix_spawn(&pid, "/usr/bin/xapian-tcpsrv", &files, &attr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&files);
        posix_spawnattr_destroy(&attr);
        if (spawned != 0) throw std::runtime_error("cannot start xapian-tcpsrv");
        m_pid = pid;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_pid = -1;  // it exited: the port was taken meanwhile; try another
                break;
            }
            if (can_connect(m_port)) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (m_pid > 0) {
            ::kill(-m_pid, SIGKILL);
            ::waitpid(m_pid, nullptr, 0);
            m_pid = -1;
        }
    }
    throw std::runtime_error("xapian-tcpsrv did not start");
}

std::string TcpServer::address() const { return "127.0.0.1:" + std::to_string(m_port); }

void TcpServer::freeze() {
    if (m_pid > 0) ::kill(-m_pid, SIGSTOP);
}

TcpServer::~TcpServer() {
    if (m_pid > 0) {
        // The server and the processes it forked for connections (resumed first if frozen).
        ::kill(-m_pid, SIGTERM);
        ::kill(-m_pid, SIGCONT);
        ::waitpid(m_pid, nullptr, 0);
    }
}

std::string TcpServer::spec() const { return "tcp:127.0.0.1:" + std::to_string(m_port); }

std::vector<std::string> hit_ids(const searcher::SearchResponse& response) {
    std::vector<std::string> ids;
    for (const auto& hit : response.hits) ids.push_back(hit.article.id);
    return ids;
}

}  // namespace dateline::test
