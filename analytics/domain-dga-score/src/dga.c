/* Domain-name features and the DGA score: see dga.h. The bigram table and weights come from
 * model/make-model.py, whose features() this file mirrors. */
#include "dga.h"
#include "model.h"

#include <math.h>
#include <string.h>

#define SYM_OTHER 26
#define SYM_EDGE 27

/* Public suffixes with two labels, common enough to matter; others count as one label. */
static const char *const two_level_suffixes[] = {
    "co.uk", "org.uk", "ac.uk", "gov.uk", "com.au", "net.au", "org.au", "co.nz", "co.jp",
    "ne.jp", "or.jp", "com.br", "com.cn", "net.cn", "com.tw", "co.in", "co.za", "co.kr",
    "com.mx", "com.tr", "com.sg", "com.hk", "co.il", "com.ar", "com.ru",
};

static int symbol(char c)
{
    return (c >= 'a' && c <= 'z') ? c - 'a' : SYM_OTHER;
}

static bool is_ipv4(const char *s, size_t n)
{
    int dots = 0, digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (digits == 0)
                return false;
            dots++;
            digits = 0;
        } else if (s[i] >= '0' && s[i] <= '9') {
            if (++digits > 3)
                return false;
        } else {
            return false;
        }
    }
    return dots == 3 && digits > 0;
}

bool dga_label(const char *value, size_t len, char *label)
{
    char name[DGA_LABEL_MAX + 2];
    while (len > 0 && value[len - 1] == '.')
        len--;
    if (len == 0 || len > DGA_LABEL_MAX || memchr(value, ':', len) || is_ipv4(value, len))
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = value[i];
        name[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    name[len] = '\0';
    /* Label boundaries, right to left: last = the TLD, then the registrable label. */
    const char *labels[4] = {0};
    size_t lens[4] = {0}, count = 0;
    size_t end = len;
    for (size_t i = len; i-- > 0 && count < 4;) {
        if (name[i] == '.' || i == 0) {
            size_t start = name[i] == '.' ? i + 1 : 0;
            labels[count] = name + start;
            lens[count] = end - start;
            count++;
            end = i;
        }
    }
    size_t pick = count >= 2 ? 1 : 0;
    if (count >= 3) {
        size_t suffix_len = lens[1] + 1 + lens[0];
        for (size_t i = 0; i < sizeof two_level_suffixes / sizeof two_level_suffixes[0]; i++) {
            const char *s = two_level_suffixes[i];
            if (strlen(s) == suffix_len && !memcmp(labels[1], s, suffix_len)) {
                pick = 2;
                break;
            }
        }
    }
    /* Internationalised labels (punycode) are not scored: the model knows ASCII letters. */
    if (lens[pick] == 0 || (lens[pick] >= 4 && !memcmp(labels[pick], "xn--", 4)))
        return false;
    memcpy(label, labels[pick], lens[pick]);
    label[lens[pick]] = '\0';
    return true;
}

static bool is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

void dga_features(const char *label, double f[DGA_FEATURES])
{
    size_t n = strlen(label);
    size_t freq[256] = {0};
    size_t digits = 0, vowels = 0, run = 0, best = 0;
    long total = 0;
    int prev = SYM_EDGE;
    for (size_t i = 0; i < n; i++) {
        char c = label[i];
        freq[(unsigned char)c]++;
        if (c >= '0' && c <= '9')
            digits++;
        if (is_vowel(c))
            vowels++;
        bool consonant = (c >= 'a' && c <= 'z' && !is_vowel(c)) || (c >= '0' && c <= '9');
        run = consonant ? run + 1 : 0;
        if (run > best)
            best = run;
        int s = symbol(c);
        total += dga_bigram[prev][s];
        prev = s;
    }
    total += dga_bigram[prev][SYM_EDGE];
    double entropy = 0;
    for (size_t i = 0; i < 256; i++) {
        if (freq[i]) {
            double p = (double)freq[i] / (double)n;
            entropy -= p * log2(p);
        }
    }
    f[0] = (double)total / 1000.0 / (double)(n + 1);
    f[1] = entropy;
    f[2] = (double)digits / (double)n;
    f[3] = (double)vowels / (double)n;
    f[4] = (double)best;
    f[5] = log((double)n);
}

double dga_score(const char *label)
{
    double f[DGA_FEATURES];
    dga_features(label, f);
    double z = dga_intercept;
    for (size_t i = 0; i < DGA_FEATURES; i++)
        z += dga_weights[i] * f[i];
    double p = 1.0 / (1.0 + exp(-z));
    return round(p * 1e6) / 1e6;
}
