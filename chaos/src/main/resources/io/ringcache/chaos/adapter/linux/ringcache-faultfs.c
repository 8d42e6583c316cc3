/*
 * ringcache-faultfs: a pass-through FUSE file system over a folder that fails chosen operations
 * with EIO on a signal: the fault suite's failing disk under a store's Raft folder
 * (chaos/README.md, "IO errors").
 *
 * Why this exists: a disk that fails reads or writes of some files and not of others needs a
 * faulty file system; the kernel's dm-flakey and dm-error are the usual tools and this kernel has
 * no device-mapper, and libfiu's fault points are per libc function, so they would fail a
 * process's sockets with its files (and its preload left stores' JVMs stopped, every thread at
 * once: chaos/README.md, "Failing fsyncs without libfiu"). libfuse (Debian's libfuse3-dev) does
 * the FUSE work; what is written here is the pass-through of each call to the backing folder,
 * and the switch.
 *
 *   usage: ringcache-faultfs BACKING MOUNTPOINT [FUSE options, e.g. -f]
 *
 * Told what fails by SIGRTMIN carrying a mask (procps' kill: kill -s RTMIN -q MASK PID); each
 * signal sets the whole mask, and a plain SIGRTMIN (no value) heals:
 *
 *   bit 0 (1)   writes fail: write, fsync, fallocate, truncate, create, mkdir, mknod, rename,
 *               link, symlink, unlink, rmdir fail with EIO (reads still work)
 *   bit 1 (2)   reads fail: read fails with EIO (writes still work)
 *   bit 2 (4)   fsyncs fail: fsync and fdatasync fail with EIO, writes and reads pass (a disk
 *               that takes writes into its cache and cannot make them durable)
 *   bit 3 (8)   a torn write: the next write reaches the backing file in part (its first half)
 *               and fails with EIO, and from then on every write fails as with bit 0 (the disk
 *               died in the middle of a write). Armed when the bit goes from clear to set; a mask
 *               sent again with it still set neither re-arms it nor mends the disk.
 *   bit 4 (16)  short writes: each write takes at most half of its bytes (at least one) and says
 *               so, without an error; a writer that does not loop until done loses the rest
 *
 * "A write" is one FUSE write request: the kernel splits a large write(2) into requests of at
 * most max_write bytes (a 1 MiB write(2) arrived here as one), and a tear or a shortening acts
 * on one of those; the process then sees the bytes of the requests before it as written. Fsyncs
 * of directories (fsyncdir) fail with fsyncs and with writes too.
 *
 * Metadata reads (getattr, readdir, open) always pass, as they mostly do on a failing disk whose
 * metadata is cached. Each switch is noted on stderr; the failed calls are counted and the counts
 * printed when the file system is unmounted.
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <unistd.h>

static char backing[PATH_MAX];
static atomic_int fail_writes;
static atomic_int fail_reads;
static atomic_int fail_fsyncs;
/* The torn write: TEAR_OFF, TEAR_ARMED (the next write tears), TEAR_DONE (writes fail since). */
enum { TEAR_OFF, TEAR_ARMED, TEAR_DONE };
static atomic_int tear;
static atomic_int short_writes;
static atomic_ulong failed_writes;
static atomic_ulong failed_reads;
static atomic_ulong failed_fsyncs;
static atomic_ulong torn_writes;
static atomic_ulong shortened_writes;

/* The backing path of a path inside the mount; ENAMETOOLONG when it does not fit. */
static int real(const char *path, char out[PATH_MAX]) {
    int n = snprintf(out, PATH_MAX, "%s%s", backing, path);
    return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

/* True (and counted) when writes are failing now. */
static int writes_fail(void) {
    if (atomic_load(&fail_writes) || atomic_load(&tear) == TEAR_DONE) {
        atomic_fetch_add(&failed_writes, 1);
        return 1;
    }
    return 0;
}

/* True (and counted) when fsyncs alone are failing now. */
static int fsyncs_fail(void) {
    if (atomic_load(&fail_fsyncs)) {
        atomic_fetch_add(&failed_fsyncs, 1);
        return 1;
    }
    return 0;
}

static int errno_or(int result) {
    return result < 0 ? -errno : result;
}

static void *fs_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
    (void) conn;
    cfg->use_ino = 1;
    /* No attribute or entry caching: a file another process writes through the backing folder
       (the suite's disk filler) shows its size at once. */
    cfg->entry_timeout = 0;
    cfg->attr_timeout = 0;
    cfg->negative_timeout = 0;
    return NULL;
}

static int fs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
    if (fi) {
        return errno_or(fstat((int) fi->fh, st));
    }
    char p[PATH_MAX];
    int r = real(path, p);
    return r ? r : errno_or(lstat(p, st));
}

static int fs_access(const char *path, int mask) {
    char p[PATH_MAX];
    int r = real(path, p);
    return r ? r : errno_or(access(p, mask));
}

static int fs_readlink(const char *path, char *buf, size_t size) {
    char p[PATH_MAX];
    int r = real(path, p);
    if (r) {
        return r;
    }
    ssize_t n = readlink(p, buf, size - 1);
    if (n < 0) {
        return -errno;
    }
    buf[n] = '\0';
    return 0;
}

static int fs_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t offset, struct fuse_file_info *fi,
                      enum fuse_readdir_flags flags) {
    (void) offset;
    (void) fi;
    (void) flags;
    char p[PATH_MAX];
    int r = real(path, p);
    if (r) {
        return r;
    }
    DIR *d = opendir(p);
    if (!d) {
        return -errno;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        memset(&st, 0, sizeof st);
        st.st_ino = e->d_ino;
        st.st_mode = (mode_t) e->d_type << 12;
        if (fill(buf, e->d_name, &st, 0, 0)) {
            break;
        }
    }
    closedir(d);
    return 0;
}

static int fs_mknod(const char *path, mode_t mode, dev_t rdev) {
    char p[PATH_MAX];
    int r = real(path, p);
    return r ? r : writes_fail() ? -EIO : errno_or(mknod(p, mode, rdev));
}

static int fs_mkdir(const char *path, mode_t mode) {
    char p[PATH_MAX];
    int r = real(path, p);
    return r ? r : writes_fail() ? -EIO : errno_or(mkdir(p, mode));
}

static int fs_unlink(const char *path) {
    char p[PATH_MAX];
    int r = real(path, p);
    return r ? r : writes_fail() ? -EIO : errno_or(unlink(p));
}

static int fs_rmdir(const char *path) {
    char p[PATH_MAX];
    int r = real(path, p);
    return r ? r : writes_fail() ? -EIO : errno_or(rmdir(p));
}

static int fs_symlink(const char *from, const char *to) {
    char p[PATH_MAX];
    int r = real(to, p);
    return r ? r : writes_fail() ? -EIO : errno_or(symlink(from, p));
}

static int fs_rename(const char *from, const char *to, unsigned int flags) {
    char a[PATH_MAX], b[PATH_MAX];
    int r = real(from, a);
    if (!r) {
        r = real(to, b);
    }
    if (r) {
        return r;
    }
    if (writes_fail()) {
        return -EIO;
    }
    return errno_or(renameat2(AT_FDCWD, a, AT_FDCWD, b, flags));
}

static int fs_link(const char *from, const char *to) {
    char a[PATH_MAX], b[PATH_MAX];
    int r = real(from, a);
    if (!r) {
        r = real(to, b);
    }
    return r ? r : writes_fail() ? -EIO : errno_or(link(a, b));
}

static int fs_chmod(const char *path, mode_t mode, struct fuse_file_info *fi) {
    if (fi) {
        return errno_or(fchmod((int) fi->fh, mode));
    }
    char p[PATH_MAX];
    int r = real(path, p);
    return r ? r : errno_or(chmod(p, mode));
}

static int fs_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi) {
    if (fi) {
        return errno_or(fchown((int) fi->fh, uid, gid));
    }
    char p[PATH_MAX];
    int r = real(path, p);
    return r ? r : errno_or(lchown(p, uid, gid));
}

static int fs_truncate(const char *path, off_t size, struct fuse_file_info *fi) {
    if (writes_fail()) {
        return -EIO;
    }
    if (fi) {
        return errno_or(ftruncate((int) fi->fh, size));
    }
    char p[PATH_MAX];
    int r = real(path, p);
    return r ? r : errno_or(truncate(p, size));
}

static int fs_utimens(const char *path, const struct timespec ts[2], struct fuse_file_info *fi) {
    if (fi) {
        return errno_or(futimens((int) fi->fh, ts));
    }
    char p[PATH_MAX];
    int r = real(path, p);
    return r ? r : errno_or(utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW));
}

static int fs_create(const char *path, mode_t mode, struct fuse_file_info *fi) {
    char p[PATH_MAX];
    int r = real(path, p);
    if (r) {
        return r;
    }
    if (writes_fail()) {
        return -EIO;
    }
    int fd = open(p, fi->flags, mode);
    if (fd < 0) {
        return -errno;
    }
    fi->fh = (uint64_t) fd;
    return 0;
}

static int fs_open(const char *path, struct fuse_file_info *fi) {
    char p[PATH_MAX];
    int r = real(path, p);
    if (r) {
        return r;
    }
    int fd = open(p, fi->flags);
    if (fd < 0) {
        return -errno;
    }
    fi->fh = (uint64_t) fd;
    return 0;
}

static int fs_read(const char *path, char *buf, size_t size, off_t offset, struct fuse_file_info *fi) {
    (void) path;
    if (atomic_load(&fail_reads)) {
        atomic_fetch_add(&failed_reads, 1);
        return -EIO;
    }
    ssize_t n = pread((int) fi->fh, buf, size, offset);
    return n < 0 ? -errno : (int) n;
}

static int fs_write(const char *path, const char *buf, size_t size, off_t offset, struct fuse_file_info *fi) {
    (void) path;
    if (writes_fail()) {
        return -EIO;
    }
    int armed = TEAR_ARMED;
    if (atomic_compare_exchange_strong(&tear, &armed, TEAR_DONE)) {
        /* This write, and no other, reaches the disk in part. */
        atomic_fetch_add(&torn_writes, 1);
        if (size / 2 > 0) {
            (void) !pwrite((int) fi->fh, buf, size / 2, offset);
        }
        return -EIO;
    }
    if (atomic_load(&short_writes) && size > 1) {
        atomic_fetch_add(&shortened_writes, 1);
        size /= 2;
    }
    ssize_t n = pwrite((int) fi->fh, buf, size, offset);
    return n < 0 ? -errno : (int) n;
}

static int fs_statfs(const char *path, struct statvfs *st) {
    char p[PATH_MAX];
    int r = real(path, p);
    return r ? r : errno_or(statvfs(p, st));
}

static int fs_release(const char *path, struct fuse_file_info *fi) {
    (void) path;
    close((int) fi->fh);
    return 0;
}

static int fs_fsync(const char *path, int datasync, struct fuse_file_info *fi) {
    (void) path;
    if (writes_fail() || fsyncs_fail()) {
        return -EIO;
    }
    return errno_or(datasync ? fdatasync((int) fi->fh) : fsync((int) fi->fh));
}

static int fs_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi) {
    (void) fi;
    char p[PATH_MAX];
    int r = real(path, p);
    if (r) {
        return r;
    }
    if (writes_fail() || fsyncs_fail()) {
        return -EIO;
    }
    int fd = open(p, O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        return -errno;
    }
    int result = errno_or(datasync ? fdatasync(fd) : fsync(fd));
    close(fd);
    return result;
}

static int fs_fallocate(const char *path, int mode, off_t offset, off_t length, struct fuse_file_info *fi) {
    (void) path;
    if (writes_fail()) {
        return -EIO;
    }
    return errno_or(fallocate((int) fi->fh, mode, offset, length));
}

static off_t fs_lseek(const char *path, off_t off, int whence, struct fuse_file_info *fi) {
    (void) path;
    off_t r = lseek((int) fi->fh, off, whence);
    return r < 0 ? -errno : r;
}

static const struct fuse_operations operations = {
    .init = fs_init,
    .getattr = fs_getattr,
    .access = fs_access,
    .readlink = fs_readlink,
    .readdir = fs_readdir,
    .mknod = fs_mknod,
    .mkdir = fs_mkdir,
    .symlink = fs_symlink,
    .unlink = fs_unlink,
    .rmdir = fs_rmdir,
    .rename = fs_rename,
    .link = fs_link,
    .chmod = fs_chmod,
    .chown = fs_chown,
    .truncate = fs_truncate,
    .utimens = fs_utimens,
    .open = fs_open,
    .create = fs_create,
    .read = fs_read,
    .write = fs_write,
    .statfs = fs_statfs,
    .release = fs_release,
    .fsync = fs_fsync,
    .fsyncdir = fs_fsyncdir,
    .fallocate = fs_fallocate,
    .lseek = fs_lseek,
};

/* SIGRTMIN with a mask (si_value) sets the faults: bit 0 writes, bit 1 reads, bit 2 fsyncs, bit 3
   a torn write, bit 4 short writes. Only atomics and write(2) here: async-signal-safe. */
static void on_switch(int sig, siginfo_t *info, void *context) {
    (void) sig;
    (void) context;
    int saved_errno = errno;
    int k = info->si_code == SI_QUEUE ? info->si_value.sival_int : 0;
    atomic_store(&fail_writes, k & 1);
    atomic_store(&fail_reads, (k >> 1) & 1);
    atomic_store(&fail_fsyncs, (k >> 2) & 1);
    atomic_store(&short_writes, (k >> 4) & 1);
    if (k & 8) {
        int off = TEAR_OFF;
        atomic_compare_exchange_strong(&tear, &off, TEAR_ARMED);
    } else {
        atomic_store(&tear, TEAR_OFF);
    }
    static const char *const names[] = {"writes fail", "reads fail", "fsyncs fail", "a torn write", "short writes"};
    char line[128] = "ringcache-faultfs:";
    size_t n = strlen(line);
    for (int bit = 0; bit < 5; bit++) {
        if (k & (1 << bit)) {
            size_t len = strlen(names[bit]);
            line[n++] = ' ';
            memcpy(line + n, names[bit], len);
            n += len;
        }
    }
    if (k == 0) {
        memcpy(line + n, " healed", 7);
        n += 7;
    }
    line[n++] = '\n';
    (void) !write(2, line, n);
    errno = saved_errno;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: ringcache-faultfs BACKING MOUNTPOINT [FUSE options]\n");
        return 64;
    }
    if (!realpath(argv[1], backing)) {
        fprintf(stderr, "ringcache-faultfs: backing folder %s: %s\n", argv[1], strerror(errno));
        return 66;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_switch;
    sa.sa_flags = SA_RESTART | SA_SIGINFO;
    sigaction(SIGRTMIN, &sa, NULL);
    /* fuse_main takes the mount point and the options; the backing folder is ours. */
    char **fuse_argv = calloc((size_t) argc, sizeof *fuse_argv);
    if (!fuse_argv) {
        return 71;
    }
    fuse_argv[0] = argv[0];
    for (int i = 2; i < argc; i++) {
        fuse_argv[i - 1] = argv[i];
    }
    umask(0);
    int status = fuse_main(argc - 1, fuse_argv, &operations, NULL);
    fprintf(stderr, "ringcache-faultfs: unmounted; %lu writes, %lu reads and %lu fsyncs (alone) failed, %lu writes torn, %lu shortened\n",
            atomic_load(&failed_writes), atomic_load(&failed_reads), atomic_load(&failed_fsyncs), atomic_load(&torn_writes),
            atomic_load(&shortened_writes));
    free(fuse_argv);
    return status;
}
