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
	require.Equal(t, "", o.hwDebug, "decided by the kernel")
	require.Equal(t, 2, o.cpus)
	require.Equal(t, uint64(128<<20), o.mem)
	require.Equal(t, 2, o.gic)
	require.Empty(t, o.changed)

	o, err = parseFlags([]string{"--cpus", "8", "--uninstall-order", "fixed", "unix:/tmp/s"})
	require.NoError(t, err)
	require.Equal(t, 8, o.cpus)
	require.True(t, o.changed["uninstall-order"])
	require.Equal(t, "unix:/tmp/s", o.comm)

	o, err = parseFlags([]string{"--kernel", "Image", "--initrd", "cpio", "--append", "console=ttyAMA0 rdinit=/init",
		"--mem", "512M", "--dtb", "b.dtb", "--dump-dtb", "o.dtb", "--symbols", "vmlinux", "--gic", "3", "--hw-debug", "external"})
	require.NoError(t, err)
	require.Equal(t, options{kernel: "Image", initrd: "cpio", cmdline: "console=ttyAMA0 rdinit=/init", mem: 512 << 20,
		dtb: "b.dtb", dumpDTB: "o.dtb", symbols: "vmlinux", gic: 3, hwDebug: "external"},
		options{kernel: o.kernel, initrd: o.initrd, cmdline: o.cmdline, mem: o.mem, dtb: o.dtb, dumpDTB: o.dumpDTB,
			symbols: o.symbols, gic: o.gic, hwDebug: o.hwDebug})

	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--cpus", "0"}, "--cpus 0"},
		{[]string{"--cpus", "65"}, "--cpus 65"},
		{[]string{"--hw-debug", "jtag"}, "--hw-debug"},
		{[]string{"--hw-debug", ""}, "--hw-debug"},
		{[]string{"--csync", "late"}, "--csync"},
		{[]string{"--scenario", "nope"}, "--scenario"},
		{[]string{"--livelock-threshold", "-1"}, "--livelock-threshold"},
		{[]string{"a:1", "b:2"}, "at most one COMM"},
		{[]string{"--no-such-flag"}, "unknown flag"},
		{[]string{"--gic", "4"}, "--gic 4: want 2 or 3"},
		{[]string{"--gic", "v3"}, "--gic"},
		{[]string{"--mem", "12Q"}, `--mem "12Q"`},
		{[]string{"--mem", ""}, `--mem ""`},
		{[]string{"--mem", "-1G"}, `--mem "-1G"`},
		{[]string{"--mem", "99999999999999999999"}, "--mem"},
		{[]string{"--mem", "17179869184G"}, "--mem"}, // overflows 64 bits
		{[]string{"--mem", "8M"}, "from 16 MiB to 16 GiB"},
		{[]string{"--mem", "17G"}, "from 16 MiB to 16 GiB"},
		{[]string{"--mem", "16777217"}, "a multiple of 4 KiB"},
	} {
		_, err := parseFlags(bad.args)
		require.ErrorContainsf(t, err, bad.want, "%q", bad.args)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]uint64{
		"0": 0, "4096": 4096, "64K": 64 << 10, "512M": 512 << 20, "512m": 512 << 20, "1G": 1 << 30,
		"1GiB": 1 << 30, "2mib": 2 << 20, "16G": 16 << 30,
	} {
		got, err := parseSize(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "M", "1.5G", "1T", "1 G", "1GB", "0x100", "+1M"} {
		_, err := parseSize(in)
		require.Error(t, err, in)
	}
}
