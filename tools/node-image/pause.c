/*
 * The first process of every pod (the sandbox): it holds the pod's namespaces while the pod's containers come and
 * go, reaps the orphans it inherits, and ends on SIGINT or SIGTERM. Compiled here, statically, by
 * hack/build-images.sh into the image migrator-pause, which the node's containerd uses as its sandbox image.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(int sig) {
  (void)sig;
  _exit(0);
}

static void reap(int sig) {
  (void)sig;
  while (waitpid(-1, 0, WNOHANG) > 0) {
  }
}

int main(void) {
  struct sigaction down = {.sa_handler = stop};
  struct sigaction child = {.sa_handler = reap, .sa_flags = SA_NOCLDSTOP | SA_RESTART};
  sigaction(SIGINT, &down, 0);
  sigaction(SIGTERM, &down, 0);
  sigaction(SIGCHLD, &child, 0);
  for (;;) {
    pause();
  }
}
