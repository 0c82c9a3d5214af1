/*
 * A power cut in a test: loaded with LD_PRELOAD into `chime serve`, it keeps,
 * for each file whose path starts with $CHIME_SYNC_SHADOW, a copy of the file
 * as it was at its last successful fsync/fdatasync (`<file>.synced`). After
 * a SIGKILL, those copies are what a disk holds after a power cut that lost
 * every write not yet synced: the worst case a filesystem allows.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void snapshot(int fd) {
    const char *prefix = getenv("CHIME_SYNC_SHADOW");
    char link[64], path[PATH_MAX], copy[PATH_MAX + 16], tmp[PATH_MAX + 24];
    struct stat st;
    ssize_t n;
    if (!prefix) return;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    n = readlink(link, path, sizeof path - 1);
    if (n <= 0) return;
    path[n] = 0;
    if (strncmp(path, prefix, strlen(prefix)) != 0 || strstr(path, ".synced")) return;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return;
    snprintf(copy, sizeof copy, "%s.synced", path);
    snprintf(tmp, sizeof tmp, "%s.synced.tmp", path);
    pthread_mutex_lock(&lock);
    int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out >= 0) {
        off_t offset = 0;
        while (offset < st.st_size && sendfile(out, fd, &offset, st.st_size - offset) > 0) {}
        close(out);
        rename(tmp, copy);
    }
    pthread_mutex_unlock(&lock);
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    int r = real(fd);
    if (r == 0) snapshot(fd);
    return r;
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    int r = real(fd);
    if (r == 0) snapshot(fd);
    return r;
}
