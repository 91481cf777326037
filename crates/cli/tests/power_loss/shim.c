/* A power-loss model for crates/cli/tests/power_loss.rs, loaded into the selling child with
 * LD_PRELOAD. It wraps fsync and fdatasync: after the real call succeeds, what that call made
 * durable is copied to a shadow folder, so the test can later put the data folder back to
 * exactly what a disk would hold after losing power (the page cache, which survives kill -9,
 * gone).
 *
 *   fsync(file in the data folder)  -> SHADOW/<name> = the file's whole content now (length too)
 *   fsync(the data folder itself)   -> SHADOW/.names = the names of the files in it now
 *
 * Each copy goes to a temporary name and is renamed into place, so a kill during the copy
 * leaves the previous durable state (a power cut during fsync). The wrapped call returns only
 * after the copy: the program never goes on believing in a sync the model did not record.
 * Every call is logged to SHADOW/.log ("F name size", "D count", "other ..."): the test counts
 * them, so it knows the wrapper really ran.
 *
 * POWERLOSS_MODE: "honest" (default); "lie": syncs of files record nothing, like a disk that
 * acknowledges flushes it never does; "lie-dir": syncs of the folder record nothing.
 *
 * The file is read through the caller's descriptor with pread: opening and closing a second
 * descriptor would drop the POSIX locks SQLite holds on it (a write-only descriptor, which
 * SQLite never uses, is read through a second one).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const char *data_dir;
static const char *shadow_dir;
static int lie_files, lie_dir;

__attribute__((constructor)) static void init(void) {
    data_dir = getenv("POWERLOSS_DATA");
    shadow_dir = getenv("POWERLOSS_SHADOW");
    const char *mode = getenv("POWERLOSS_MODE");
    lie_files = mode && strcmp(mode, "lie") == 0;
    lie_dir = mode && strcmp(mode, "lie-dir") == 0;
}

static void log_line(const char *fmt, const char *name, long long n) {
    char path[PATH_MAX], line[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/.log", shadow_dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return;
    int len = snprintf(line, sizeof line, fmt, name, n);
    if (write(fd, line, (size_t)len) < 0) { /* the count comes out short; the test says so */ }
    close(fd);
}

/* Writes to SHADOW/.tmp, renames to SHADOW/<name>. */
static int publish(const char *name, const char *bytes, size_t len) {
    char tmp[PATH_MAX], dst[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/.tmp", shadow_dir);
    snprintf(dst, sizeof dst, "%s/%s", shadow_dir, name);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, bytes + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) { close(fd); return -1; }
        done += (size_t)w;
    }
    close(fd);
    return rename(tmp, dst);
}

static void snapshot_file(int fd, const char *name, off_t size) {
    char *buf = malloc(size > 0 ? (size_t)size : 1);
    if (!buf) abort();
    /* A descriptor opened write-only cannot be read: read the same file through a second one
     * (only then; SQLite opens its files read-write). */
    int rfd = fd, own = 0;
    if (fcntl(fd, F_GETFL) >= 0 && (fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY) {
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        rfd = open(link, O_RDONLY | O_CLOEXEC);
        own = 1;
    }
    off_t done = 0;
    while (rfd >= 0 && done < size) {
        ssize_t r = pread(rfd, buf + done, (size_t)(size - done), done);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        done += r;
    }
    if (own && rfd >= 0) close(rfd);
    if (done != size || publish(name, buf, (size_t)size) != 0) {
        /* Better no test than a wrong one. */
        fprintf(stderr, "powerloss shim: cannot copy %s\n", name);
        abort();
    }
    free(buf);
    log_line("F %s %lld\n", name, (long long)size);
}

static void snapshot_names(void) {
    DIR *d = opendir(data_dir);
    if (!d) abort();
    size_t cap = 4096, len = 0;
    char *list = malloc(cap);
    long long count = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        /* Files only: subfolders (public/, the door sign) are outside the model. */
        if (e->d_type != DT_REG) continue;
        size_t n = strlen(e->d_name);
        while (len + n + 2 > cap) list = realloc(list, cap *= 2);
        memcpy(list + len, e->d_name, n);
        len += n;
        list[len++] = '\n';
        count++;
    }
    closedir(d);
    if (publish(".names", list, len) != 0) abort();
    free(list);
    log_line("D %s %lld\n", "-", count);
}

static void record(int fd) {
    if (!data_dir || !shadow_dir) return;
    struct stat st;
    char link[64], path[PATH_MAX];
    if (fstat(fd, &st) != 0) return;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0) return;
    path[n] = 0;
    size_t dl = strlen(data_dir);
    pthread_mutex_lock(&lock);
    if (S_ISDIR(st.st_mode) && strcmp(path, data_dir) == 0) {
        if (lie_dir) log_line("D %s %lld\n", "lied", 0);
        else snapshot_names();
    } else if (S_ISREG(st.st_mode) && strncmp(path, data_dir, dl) == 0 && path[dl] == '/'
               && !strchr(path + dl + 1, '/') && path[dl + 1] != '.') {
        if (lie_files) log_line("F %s %lld (lied)\n", path + dl + 1, 0);
        else snapshot_file(fd, path + dl + 1, st.st_size);
    } else {
        log_line("other %s %lld\n", path, 0);
    }
    pthread_mutex_unlock(&lock);
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    int rc = real(fd);
    if (rc == 0) {
        int saved = errno;
        record(fd);
        errno = saved;
    }
    return rc;
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    int rc = real(fd);
    if (rc == 0) {
        int saved = errno;
        record(fd);
        errno = saved;
    }
    return rc;
}

/* Other ways to make data durable: none is modelled, so each is logged for the test to refuse. */
void sync(void) {
    static void (*real)(void);
    if (!real) real = (void (*)(void))dlsym(RTLD_NEXT, "sync");
    if (shadow_dir) log_line("other %s %lld\n", "sync()", 0);
    real();
}

int syncfs(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "syncfs");
    if (shadow_dir) log_line("other %s %lld\n", "syncfs()", 0);
    return real(fd);
}

int msync(void *addr, size_t len, int flags) {
    static int (*real)(void *, size_t, int);
    if (!real) real = (int (*)(void *, size_t, int))dlsym(RTLD_NEXT, "msync");
    if (shadow_dir) log_line("other %s %lld\n", "msync()", 0);
    return real(addr, len, flags);
}
