// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <spawn.h>
#include <stddef.h>
#include <sys/wait.h>

#include "base/spawn.h"

extern char **environ;

int spawn_wait(char *const argv[])
{
	pid_t pid;
	int err, status;

	/* posix_spawn: no fork of a large process, and exec errors come back as a value. */
	err = posix_spawn(&pid, argv[0], NULL, NULL, argv, environ);
	if (err)
		return -err;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
