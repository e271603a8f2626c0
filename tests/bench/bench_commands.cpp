// Runs commands side by side, several times each, and prints the median wall time and the
// peak resident set size (from wait4's rusage) of each, plus the ratio of the medians.
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
    std::vector<double> medians;
    for (const auto& cmd : cmds) {
        runOnce(cmd); // warm-up: page cache
        std::vector<double> times;
        long rss = 0;
        int status = 0;
        for (int r = 0; r < runs; ++r) {
            const Sample s = runOnce(cmd);
            times.push_back(s.seconds);
            rss = std::max(rss, s.maxRssKiB);
            status = s.status;
        }
        std::string line;
        for (const auto& a : cmd)
            line += (line.empty() ? "" : " ") + a;
        const double med = median(times);
        medians.push_back(med);
        std::printf("| `%s` | %.1f ms | %.1f ms | %.1f ms | %.1f MiB | %d |\n", line.c_str(),
                    med * 1e3, *std::min_element(times.begin(), times.end()) * 1e3,
                    *std::max_element(times.begin(), times.end()) * 1e3, rss / 1024.0,
                    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    for (size_t i = 1; i < medians.size(); ++i)
        std::printf("\nmedian ratio command 1 / command %zu: %.2f\n", i + 1,
                    medians[0] / medians[i]);
    return 0;
}
