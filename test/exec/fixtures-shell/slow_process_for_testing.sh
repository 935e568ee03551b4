# Fixture for shell.test.ts: the shell version of Ruffus's test/slow_process_for_testing.py.
# Prints its working directory and its environment (on one line) to stderr, then four numbered
# lines to stdout and to stderr.
printf '     %s\n' "$(pwd)" >&2
printf '     %s\n' "$(env | sort | tr '\n' ' ')" >&2
i=0
while [ "$i" -lt 4 ]; do
  printf '    Stderr %d\n' "$i" >&2
  printf '    Stdout %d\n' "$i"
  i=$((i + 1))
  sleep 0.05
done
