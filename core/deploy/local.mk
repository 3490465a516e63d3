# core/deploy: SSH deployment with libssh2: known_hosts, auth, SFTP upload, steps.
