/* DGA likelihood of a domain name from its characters alone: the registrable label is scored
 * by a logistic model over letter-bigram likelihood (English and benign domain names), Shannon
 * entropy, digit and vowel ratios, the longest consonant run and the length. */
#ifndef DGA_H
#define DGA_H

#include <stdbool.h>
#include <stddef.h>

#define DGA_FEATURES 6
#define DGA_LABEL_MAX 253

/* Writes the label to score (lowercased) into label[DGA_LABEL_MAX + 1]: the second-level
 * label ("example" of "www.example.co.uk"). Returns false when value is not a domain name:
 * empty, an IPv4 or IPv6 address, longer than a DNS name can be, or with an
 * internationalised (xn--) registrable label. */
bool dga_label(const char *value, size_t len, char *label);
/* The features of a non-empty label (order as in model.h). */
void dga_features(const char *label, double f[DGA_FEATURES]);
/* Probability in [0, 1] that label was machine-generated, rounded to 6 decimals. */
double dga_score(const char *label);

#endif
