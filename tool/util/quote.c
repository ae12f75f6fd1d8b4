/* Quoting and escaping of untrusted text: see quote.h. */
#include "quote.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    size_t len;
    unsigned min, cp;
    if (s[0] < 0x80)
        return 1;
    if ((s[0] & 0xE0) == 0xC0)
        len = 2, min = 0x80, cp = s[0] & 0x1F;
    else if ((s[0] & 0xF0) == 0xE0)
        len = 3, min = 0x800, cp = s[0] & 0x0F;
    else if ((s[0] & 0xF8) == 0xF0)
        len = 4, min = 0x10000, cp = s[0] & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
        return 0;
    return len;
}

/* ---- paths, as git quotes them ---------------------------------------------------------- */

static bool path_byte_needs_quote(unsigned char c)
{
    return c < 0x20 || c == 0x7F || c == '"' || c == '\\' || c >= 0x80;
}

bool quote_path_needed(const char *path)
{
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        if (path_byte_needs_quote(*p))
            return true;
    return false;
}

/* The C escape letter of c, or 0 when c is written in octal. */
static char c_escape_letter(unsigned char c)
{
    switch (c) {
    case '\a': return 'a';
    case '\b': return 'b';
    case '\t': return 't';
    case '\n': return 'n';
    case '\v': return 'v';
    case '\f': return 'f';
    case '\r': return 'r';
    default: return 0;
    }
}

static void add_c_escape(struct buf *out, unsigned char c)
{
    char letter = c_escape_letter(c);
    if (letter) {
        char e[2] = {'\\', letter};
        buf_add(out, e, 2);
    } else {
        buf_addf(out, "\\%03o", c);
    }
}

void quote_path(struct buf *out, const char *path)
{
    if (!quote_path_needed(path)) {
        buf_addstr(out, path);
        return;
    }
    buf_addch(out, '"');
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p == '"' || *p == '\\') {
            char e[2] = {'\\', (char)*p};
            buf_add(out, e, 2);
        } else if (path_byte_needs_quote(*p)) {
            add_c_escape(out, *p);
        } else {
            buf_addch(out, (char)*p);
        }
    }
    buf_addch(out, '"');
}

#define QPATH_RING 8
struct qpath_ring {
    struct buf b[QPATH_RING];
    unsigned next;
};
static _Thread_local struct qpath_ring *qpath_mine;
static pthread_key_t qpath_key;
static pthread_once_t qpath_once = PTHREAD_ONCE_INIT;

static void qpath_ring_free(void *p)
{
    struct qpath_ring *r = p;
    for (size_t i = 0; i < QPATH_RING; i++)
        buf_free(&r->b[i]);
    free(r);
}

static void qpath_key_create(void)
{
    /* the key only frees a worker thread's ring when the thread ends */
    (void)pthread_key_create(&qpath_key, qpath_ring_free);
}

const char *qpath(const char *path)
{
    if (!quote_path_needed(path))
        return path;
    if (!qpath_mine) {
        pthread_once(&qpath_once, qpath_key_create);
        qpath_mine = xcalloc(1, sizeof *qpath_mine);
        for (size_t i = 0; i < QPATH_RING; i++)
            buf_init(&qpath_mine->b[i]);
        (void)pthread_setspecific(qpath_key, qpath_mine);
    }
    struct buf *b = &qpath_mine->b[qpath_mine->next++ % QPATH_RING];
    buf_reset(b);
    quote_path(b, path);
    return b->data;
}

/* ---- messages: control characters escaped ---------------------------------------------- */

/* The number of bytes at s (n >= 1) that form one control character (C0, DEL, C1 encoded in
 * UTF-8, or a raw C1 byte that is no part of a UTF-8 sequence), or 0 when s starts with
 * something printable. *code is the control character. */
static size_t control_at(const unsigned char *s, size_t n, unsigned *code)
{
    if (s[0] < 0x20 || s[0] == 0x7F) {
        *code = s[0];
        return 1;
    }
    if (s[0] < 0x80)
        return 0;
    size_t k = utf8_seq_len(s, n);
    if (k == 2 && s[0] == 0xC2 && s[1] < 0xA0) {
        *code = s[1];
        return 2;
    }
    if (!k && s[0] < 0xA0) {
        *code = s[0];
        return 1;
    }
    return 0;
}

/* The end of the run of printable characters that starts at s[i]: a UTF-8 sequence is
 * stepped over whole (its continuation bytes are no C1 controls). */
static size_t printable_run(const unsigned char *s, size_t n, size_t i)
{
    unsigned code;
    while (i < n && !control_at(s + i, n - i, &code)) {
        size_t k = utf8_seq_len(s + i, n - i);
        i += k ? k : 1;
    }
    return i;
}

void quote_controls(struct buf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned code;
        size_t k = control_at(p + i, n - i, &code);
        if (k) {
            add_c_escape(out, (unsigned char)code);
            i += k;
            continue;
        }
        size_t end = printable_run(p, n, i);
        buf_add(out, p + i, end - i);
        i = end;
    }
}

void quote_controls_inplace(char *s, size_t cap)
{
    size_t n = strlen(s);
    const unsigned char *p = (const unsigned char *)s;
    bool any = printable_run(p, n, 0) < n;
    if (!any || !cap)
        return;
    struct buf b = BUF_INIT;
    quote_controls(&b, s, n);
    size_t keep = b.len < cap - 1 ? b.len : cap - 1;
    memcpy(s, b.data, keep);
    s[keep] = '\0';
    buf_free(&b);
}

/* ---- logs: terminal escape sequences stripped ------------------------------------------- */

/* Skips an escape sequence whose introducer (the byte after ESC, or a C1 code minus 0x40) is
 * `intro`, from s[i]; returns the index after it. */
static size_t skip_sequence(const unsigned char *s, size_t n, size_t i, unsigned intro)
{
    switch (intro) {
    case '[': /* CSI: parameters 0x30-0x3F, intermediates 0x20-0x2F, one final 0x40-0x7E */
        while (i < n && s[i] >= 0x20 && s[i] <= 0x3F)
            i++;
        if (i < n && s[i] >= 0x40 && s[i] <= 0x7E)
            i++;
        return i;
    case ']': /* OSC */
    case 'P': /* DCS */
    case 'X': /* SOS */
    case '^': /* PM */
    case '_': /* APC: strings up to BEL or ST (ESC \ or the C1 byte, raw or in UTF-8); here
               * also up to the end of the line, so one sequence cannot hide the log's rest */
        while (i < n && s[i] != '\n') {
            if (s[i] == 0x07)
                return i + 1;
            if (s[i] == 0x1B && i + 1 < n && s[i + 1] == '\\')
                return i + 2;
            if (s[i] == 0x9C)
                return i + 1;
            if (s[i] == 0xC2 && i + 1 < n && s[i + 1] == 0x9C)
                return i + 2;
            i++;
        }
        return i;
    default: /* nF / Fp / Fe / Fs: intermediates 0x20-0x2F, then one final byte */
        if (intro >= 0x20 && intro <= 0x2F) {
            while (i < n && s[i] >= 0x20 && s[i] <= 0x2F)
                i++;
            if (i < n && s[i] >= 0x30 && s[i] <= 0x7E)
                i++;
        }
        return i;
    }
}

void quote_strip_terminal(struct buf *out, const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < n) {
        unsigned code;
        size_t k = control_at(s + i, n - i, &code);
        if (!k) {
            size_t end = printable_run(s, n, i);
            buf_add(out, s + i, end - i);
            i = end;
            continue;
        }
        i += k;
        if (code == '\n' || code == '\t') {
            buf_addch(out, (char)code);
        } else if (code == 0x1B) {
            /* ESC then a control character: only the ESC goes */
            if (i < n && s[i] >= 0x20 && s[i] < 0x7F) {
                unsigned intro = s[i++];
                i = skip_sequence(s, n, i, intro);
            }
        } else if (code >= 0x80) {
            i = skip_sequence(s, n, i, code - 0x40);
        }
        /* any other control character is dropped */
    }
}

/* ---- Markdown ---------------------------------------------------------------------------- */

void quote_markdown(struct buf *out, const char *s)
{
    size_t n = strlen(s);
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned code;
        size_t k = control_at(p + i, n - i, &code);
        if (k) {
            if (code == '\n' || code == '\r' || code == '\t')
                buf_addch(out, ' ');
            else
                add_c_escape(out, (unsigned char)code);
            i += k;
            continue;
        }
        /* every ASCII punctuation character may be backslash-escaped (CommonMark 2.4) */
        if (p[i] < 0x80 && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", p[i]))
            buf_addch(out, '\\');
        buf_addch(out, (char)p[i++]);
    }
}

void quote_markdown_code(struct buf *out, const char *s)
{
    struct buf text = BUF_INIT;
    quote_controls(&text, s, strlen(s));
    size_t run = 0, longest = 0;
    for (size_t i = 0; i < text.len; i++) {
        run = text.data[i] == '`' ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    bool pad = text.len && (text.data[0] == '`' || text.data[text.len - 1] == '`');
    for (size_t i = 0; i <= longest; i++)
        buf_addch(out, '`');
    if (pad)
        buf_addch(out, ' ');
    buf_add(out, text.data, text.len);
    if (pad)
        buf_addch(out, ' ');
    for (size_t i = 0; i <= longest; i++)
        buf_addch(out, '`');
    buf_free(&text);
}

/* ---- GitHub workflow commands ----------------------------------------------------------- */

void quote_github(struct buf *out, const char *s, bool property)
{
    for (; *s; s++) {
        switch (*s) {
        case '%': buf_addstr(out, "%25"); break;
        case '\r': buf_addstr(out, "%0D"); break;
        case '\n': buf_addstr(out, "%0A"); break;
        case ':': property ? buf_addstr(out, "%3A") : buf_addch(out, ':'); break;
        case ',': property ? buf_addstr(out, "%2C") : buf_addch(out, ','); break;
        default: buf_addch(out, *s);
        }
    }
}

static void random_bytes(unsigned char *out, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(out + got, n - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (got == n)
        return;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        while (got < n) {
            ssize_t r = read(fd, out + got, n - got);
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        close(fd);
    }
    /* no kernel randomness at all: the clock and pid, mixed (the token is never shown to the
     * container, so it cannot read it; it could only guess) */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    unsigned long long x = (unsigned long long)ts.tv_nsec * 0x9E3779B97F4A7C15ULL ^
                           (unsigned long long)ts.tv_sec << 20 ^ (unsigned long long)getpid();
    for (; got < n; got++) {
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDULL;
        out[got] = (unsigned char)(x >> 56);
    }
}

void gh_block_begin(struct gh_block *b, FILE *out)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char r[16];
    random_bytes(r, sizeof r);
    for (size_t i = 0; i < sizeof r; i++) {
        b->token[2 * i] = hex[r[i] >> 4];
        b->token[2 * i + 1] = hex[r[i] & 15];
    }
    b->token[32] = '\0';
    /* stdout and stderr reach the log through two pipes: what came before stays before */
    fflush(NULL);
    fprintf(out, "::stop-commands::%s\n", b->token);
    fflush(out);
}

void gh_block_end(const struct gh_block *b, FILE *out)
{
    fflush(NULL);
    fprintf(out, "::%s::\n", b->token);
    fflush(out);
}

bool gh_actions(void)
{
    const char *gh = getenv("GITHUB_ACTIONS");
    return gh && !strcmp(gh, "true");
}
