#!/usr/bin/env bash
# Sets everything up (see setup.sh), brings up the demo lab and starts the socketlab service in
# the background, then shows how to use them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_all
cd "$SOCKETLAB_ROOT"
node orchestrator/src/cli/main.ts up topologies/demo/topology.yaml --lab demo --owner demo

# The service: on 127.0.0.1 only (lab nodes cannot reach the host at all, see the host guard).
# The instructor's token is kept in .data (owner-only) so that every run prints the same one.
port="${SOCKETLAB_PORT:-8080}"
mkdir -p .data
if [ ! -s .data/instructor-token ]; then
  (umask 077 && node --input-type=module \
    -e 'import { newToken } from "./orchestrator/src/store/users.ts"; console.log(newToken())' \
    >.data/instructor-token)
fi
# The demo lab's student, so that the dashboard can be seen as a student sees it: a student
# account `demo` (the demo lab's owner) and its token, kept in .data like the instructor's (a new
# token only when the kept one no longer signs in, e.g. after .data/socketlab.sqlite was removed).
(umask 077 && node --input-type=module -e '
  import { openDb } from "./orchestrator/src/store/db.ts";
  import { authenticate, createUser, issueToken, userByLogin } from "./orchestrator/src/store/users.ts";
  const [kept, dataDir] = process.argv.slice(1);
  const db = openDb(dataDir);
  if (kept && authenticate(db, kept)?.user.login === "demo") console.log(kept);
  else {
    const user = userByLogin(db, "demo") ?? createUser(db, { login: "demo", name: "Demo Student", role: "student" });
    console.log(issueToken(db, user.id));
  }
  db.close();' "$(cat .data/demo-token 2>/dev/null)" .data >.data/demo-token.new)
mv .data/demo-token.new .data/demo-token
if [ -s .data/serve.pid ] && kill -0 "$(cat .data/serve.pid)" 2>/dev/null; then
  say "restarting the service"
  kill "$(cat .data/serve.pid)"
  while kill -0 "$(cat .data/serve.pid)" 2>/dev/null; do sleep 0.2; done
fi
SOCKETLAB_INSTRUCTOR_TOKEN="$(cat .data/instructor-token)" nohup \
  ./socketlab serve --port "$port" >.data/serve.log 2>&1 &
echo $! >.data/serve.pid
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/api/ready" >/dev/null && break
  kill -0 "$(cat .data/serve.pid)" 2>/dev/null || { cat .data/serve.log >&2; exit 1; }
  sleep 0.3
done
cat <<'HELP'

The demo lab is up. Try:
  ./socketlab exec demo client -- curl -s http://web/  # a command on a node
  ./socketlab exec demo client                        # a shell on a node
  ./socketlab status demo
  ./socketlab reset demo client                       # a pristine node, same address
  ./socketlab down demo
HELP
cat <<HELP

The socketlab service runs at http://127.0.0.1:$port (log: .data/serve.log; stop it with
kill \$(cat .data/serve.pid)). API reference: http://127.0.0.1:$port/api/docs
The instructor's token (also in .data/instructor-token):
  $(cat .data/instructor-token)
Try:
  curl -s -H "Authorization: Bearer \$(cat .data/instructor-token)" http://127.0.0.1:$port/api/labs
HELP
cat <<HELP

The dashboard (login links; the token leaves the address bar once signed in):
  instructor:               http://127.0.0.1:$port/#token=$(cat .data/instructor-token)
  demo (the lab's student): http://127.0.0.1:$port/#token=$(cat .data/demo-token)
HELP
