// Runs commands side by side, several times each, and prints the median wall time and the
// peak resident set size (from wait4's rusage) of each, plus the ratio of the medians. The
// runs are interleaved (1, 2, 1, 2, ...) so that a load that comes and goes on a shared
// machine weighs on every command alike.
// Usage: bench_commands RUNS -- CMD1 ARGS... -- CMD2 ARGS...
// Output is a Markdown table, pasted into docs/PERFORMANCE.md.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

struct Sample {
    double seconds = 0;
    long maxRssKiB = 0;
    int status = 0;
};

Sample runOnce(const std::vector<std::string>& cmd) {
    std::vector<char*> argv;
    for (const auto& a : cmd)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        const int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execvp(argv[0], argv.data());
        _exit(127);
    }
    Sample s;
    rusage ru{};
    wait4(pid, &s.status, 0, &ru);
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    s.maxRssKiB = ru.ru_maxrss;
    return s;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 4 || std::string(argv[2]) != "--") {
        std::fprintf(stderr, "usage: %s RUNS -- CMD ARGS... [-- CMD ARGS...]\n", argv[0]);
        return 2;
    }
    const int runs = std::max(1, std::atoi(argv[1]));
    std::vector<std::vector<std::string>> cmds;
    for (int i = 2; i < argc; ++i) {
        if (std::string(argv[i]) == "--")
            cmds.emplace_back();
        else
            cmds.back().push_back(argv[i]);
    }
    std::printf("| command | median wall time | min | max | peak RSS | exit |\n");
    std::printf("|---|---|---|---|---|---|\n");
    for (const auto& cmd : cmds)
        runOnce(cmd); // warm-up: page cache
    std::vector<std::vector<double>> times(cmds.size());
    std::vector<long> rss(cmds.size(), 0);
    std::vector<int> status(cmds.size(), 0);
    for (int r = 0; r < runs; ++r)
        for (size_t c = 0; c < cmds.size(); ++c) {
            const Sample s = runOnce(cmds[c]);
            times[c].push_back(s.seconds);
            rss[c] = std::max(rss[c], s.maxRssKiB);
            status[c] = s.status;
        }
    std::vector<double> medians;
    for (size_t c = 0; c < cmds.size(); ++c) {
        std::string line;
        for (const auto& a : cmds[c])
            line += (line.empty() ? "" : " ") + a;
        const double med = median(times[c]);
        medians.push_back(med);
        std::printf("| `%s` | %.1f ms | %.1f ms | %.1f ms | %.1f MiB | %d |\n", line.c_str(),
                    med * 1e3, *std::min_element(times[c].begin(), times[c].end()) * 1e3,
                    *std::max_element(times[c].begin(), times[c].end()) * 1e3, rss[c] / 1024.0,
                    WIFEXITED(status[c]) ? WEXITSTATUS(status[c]) : -1);
    }
    for (size_t i = 1; i < medians.size(); ++i)
        std::printf("\nmedian ratio command 1 / command %zu: %.2f\n", i + 1,
                    medians[0] / medians[i]);
    return 0;
}
