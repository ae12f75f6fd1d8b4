/* Time as the tools measure it: a monotonic clock in seconds (durations, deadlines). */
#ifndef KANALYTIC_UTIL_CLOCK_H
#define KANALYTIC_UTIL_CLOCK_H

/* Seconds on CLOCK_MONOTONIC: only differences mean anything. */
double clock_seconds(void);

#endif
