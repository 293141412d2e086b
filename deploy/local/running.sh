# Sourced by up.sh and down.sh: whether a recorded pid is the program it
# should be, alive.
#
# `kill -0` alone is not enough: it succeeds on a zombie (a service that
# crashed and that its parent has not reaped yet) and on a pid the system
# has since given to another program. Where /proc exists, the process must
# not be a zombie and its command line must name the program.

running() { # pid file, program name
  local pid_file="$1" program="$2" pid state
  [[ -f "$pid_file" ]] || return 1
  pid="$(cat "$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ -d /proc ]] || return 0
  [[ -r "/proc/$pid/status" ]] || return 1
  state="$(sed -n 's/^State:[[:space:]]*\([A-Za-z]\).*/\1/p' "/proc/$pid/status")"
  [[ "$state" != "Z" && "$state" != "X" ]] || return 1
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$program"
}
