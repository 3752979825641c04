package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseComm(t *testing.T) {
	for _, c := range []struct {
		comm        string
		allowRemote bool
		network     string
		address     string
		remote      bool
		err         string
	}{
		{comm: "127.0.0.1:1234", network: "tcp", address: "127.0.0.1:1234"},
		{comm: "localhost:0", network: "tcp", address: "localhost:0"},
		{comm: "[::1]:1234", network: "tcp", address: "[::1]:1234"},
		{comm: "-", network: "stdio"},
		{comm: "unix:/tmp/hwbp.sock", network: "unix", address: "/tmp/hwbp.sock"},
		{comm: "unix:", err: "empty socket path"},
		{comm: "0.0.0.0:1234", err: "--allow-remote"},
		{comm: ":1234", err: "--allow-remote"},
		{comm: "192.0.2.1:1234", err: "--allow-remote"},
		{comm: "0.0.0.0:1234", allowRemote: true, network: "tcp", address: "0.0.0.0:1234", remote: true},
		{comm: "nonsense", err: "want HOST:PORT"},
	} {
		ep, remote, err := parseComm(c.comm, c.allowRemote)
		if c.err != "" {
			require.ErrorContainsf(t, err, c.err, "COMM %q", c.comm)
			continue
		}
		require.NoErrorf(t, err, "COMM %q", c.comm)
		require.Equalf(t, c.network, ep.network, "COMM %q", c.comm)
		require.Equalf(t, c.address, ep.address, "COMM %q", c.comm)
		require.Equalf(t, c.remote, remote, "COMM %q", c.comm)
	}
}

func TestParseFlags(t *testing.T) {
	o, err := parseFlags(nil)
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:1234", o.comm)
	require.Equal(t, "kernel", o.hwDebug)
	require.Equal(t, 2, o.cpus)
	require.Empty(t, o.changed)

	o, err = parseFlags([]string{"--cpus", "8", "--uninstall-order", "fixed", "unix:/tmp/s"})
	require.NoError(t, err)
	require.Equal(t, 8, o.cpus)
	require.True(t, o.changed["uninstall-order"])
	require.Equal(t, "unix:/tmp/s", o.comm)

	for _, bad := range [][]string{
		{"--cpus", "0"}, {"--cpus", "65"}, {"--hw-debug", "jtag"}, {"--csync", "late"},
		{"--scenario", "nope"}, {"--livelock-threshold", "-1"}, {"a:1", "b:2"}, {"--no-such-flag"},
	} {
		_, err := parseFlags(bad)
		require.Errorf(t, err, "%q", bad)
	}
}
