/* libFuzzer target for the defensive tar extraction (tool/runner/extract.c): any archive, even
 * one that extract_tar accepts, must leave only regular files and directories below the
 * private directory, never more bytes than the cap, and nothing outside it. */
#include "runner/extract.h"
#include "util/error.h"
#include "util/fs.h"

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int check_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)path;
    (void)ftw;
    if (flag == FTW_SL || flag == FTW_SLN || !(S_ISREG(st->st_mode) || S_ISDIR(st->st_mode)))
        abort(); /* a link, device or FIFO was created */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20)
        return 0;
    /* on tmpfs when there is one: on disk, creating and removing the tree took 80% of the time
     * (1.6k exec/s in /tmp, 8.6k in /dev/shm) */
    static const char *parent;
    if (!parent)
        parent = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    char dir[64];
    snprintf(dir, sizeof dir, "%s/kanalytic-fuzz-extract.XXXXXX", parent);
    if (!mkdtemp(dir))
        return 0;
    struct extract_limits lim = {64 << 10, 64, "data/input"};
    struct extract_list l;
    int rc = extract_tar(data, size, dir, &lim, &l);
    if (rc == 0) {
        uint64_t total = 0;
        for (size_t i = 0; i < l.count; i++) {
            const char *p = l.files[i].path;
            if (p[0] == '/' || strstr(p, "..") == p || strstr(p, "/../"))
                abort();
            total += l.files[i].size;
        }
        if (total > lim.max_bytes || total != l.total_bytes)
            abort();
    }
    nftw(dir, check_entry, 16, FTW_PHYS);
    extract_list_free(&l);
    fs_remove_tree(dir);
    err_clear();
    return 0;
}
