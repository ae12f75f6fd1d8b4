# The command table and global options.
source "$(dirname "$0")/../lib.sh"

run "$KANALYTIC" --version
expect_rc 0 "--version"; expect_out_has "kanalytic "

run "$KANALYTIC"
expect_rc 2 "no command"; expect_err_has "usage: kanalytic"

run "$KANALYTIC" frobnicate
expect_rc 2 "unknown command"; expect_err_has "'frobnicate' is not a command"

run "$KANALYTIC" --help
expect_rc 0 "--help"; expect_out_has "exit codes:"

run "$KANALYTIC" help nosuch
expect_rc 2 "help of unknown command"; expect_err_has "no command 'nosuch'"
done_testing
