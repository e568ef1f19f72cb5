# Sourced by caddy.sh and pebble.sh: start a server in the background and wait
# for it. The caller defines say() and answers() and sets pid_file, log_file.

# launch NAME CMD...: starts CMD detached (log to $log_file, pid to $pid_file),
# then waits up to 10 s for answers(); on failure prints the log tail, exits 1.
launch() {
  local name=$1
  shift
  say "starting $name (log: $log_file)"
  nohup setsid "$@" >>"$log_file" 2>&1 </dev/null &
  echo $! >"$pid_file"
  for ((i = 0; i < 100; i++)); do answers && return 0; sleep 0.1; done
  say "$name did not answer; log tail:"
  tail -n 20 "$log_file" >&2
  exit 1
}
