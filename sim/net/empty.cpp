// Keeps bootsim_net non-empty while its modules are being added.
