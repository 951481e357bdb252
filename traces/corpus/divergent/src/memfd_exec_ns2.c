/* divergent/memfd_exec_ns2: the source of a trace that is edited on
 * purpose. The program makes a child pid namespace, whose init (pid 1)
 * sets vm.memfd_noexec to 2 there and asks for an executable memfd:
 * EACCES. scripts/record-corpus.sh records this program and then edits that
 * memfd_create's result to success: a correct replay must report that line.
 *
 * Safety: the child writes the sysctl only when it is pid 1 and its pid
 * namespace differs from the one the program started in. Static, without
 * stdio. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MFD_EXEC 0x10U

static char initial_ns[64];

static void child(void)
{
	char ns[64] = "";
	ssize_t n = readlink("/proc/self/ns/pid", ns, sizeof(ns) - 1);
	int fd;

	if (n <= 0 || getpid() != 1 || strcmp(ns, initial_ns) == 0)
		_exit(2); /* not a namespace of our own: never write */
	fd = open("/proc/sys/vm/memfd_noexec", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "2", 1) != 1)
		_exit(1);
	close(fd);
	/* the kernel says EACCES; the edited trace says it made fd 3 */
	if (memfd_create("inner-exec", MFD_CLOEXEC | MFD_EXEC) != -1 || errno != EACCES)
		_exit(1);
	_exit(0);
}

int main(void)
{
	int status;
	pid_t pid;

	if (readlink("/proc/self/ns/pid", initial_ns, sizeof(initial_ns) - 1) <= 0)
		return 1;
	if (unshare(CLONE_NEWPID) != 0)
		return 1;
	/* fork, but with CLONE_VFORK: the parent sleeps until the child has
	 * exited, so no parent line falls between the child's and the edited
	 * line has the same number in every recording. */
	pid = (pid_t)syscall(SYS_clone, CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		child();
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
