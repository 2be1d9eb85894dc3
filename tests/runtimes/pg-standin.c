/* A stand-in for Bitnami's PostgreSQL, for the live runtime tests (tests/runtimes/): installed in
 * the image as /opt/bitnami/postgresql/bin/postgres and started as
 * `/opt/bitnami/postgresql/bin/postgres -D /bitnami/postgresql/data` (the argv shape of Bitnami's
 * run.sh, research note B2), so /proc/PID/exe is that path. It does what the scan looks at: works
 * in its data directory (cwd, PG_VERSION, pg_wal/) and listens on 5432 in its network namespace.
 * Built static (no libc in the image). */
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static void bye(int s) { (void)s; _exit(0); }

int main(int argc, char **argv) {
    const char *dir = NULL;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "-D") == 0) dir = argv[i + 1];
    if (!dir) { fprintf(stderr, "usage: postgres -D DATADIR\n"); return 2; }
    /* PID 1 of a container ignores signals it has no handler for */
    signal(SIGTERM, bye);
    signal(SIGINT, bye);
    if (chdir(dir) != 0) { perror(dir); return 1; }
    int f = open("PG_VERSION", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (f >= 0) { (void)!write(f, "15\n", 3); close(f); }
    mkdir("pg_wal", 0700);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons(5432);
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 16) != 0) {
        perror("listen 5432");
        return 1;
    }
    for (;;) pause();
}
