// Command mkcpio packs the Linux guest's initramfs: a newc archive of /init,
// /proc and /dev/console with fixed owners, modes and times, so the same init
// gives the same bytes. Used by kernelsim/linux/Makefile:
//
//	go run ./mkcpio -init out/init -o out/initramfs.cpio
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim/linux"
)

func main() {
	initPath := flag.String("init", "", "the static ELF to install as /init")
	out := flag.String("o", "", "the archive to write")
	flag.Parse()
	if *initPath == "" || *out == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: mkcpio -init FILE -o FILE")
		os.Exit(2)
	}
	if err := run(*initPath, *out); err != nil {
		fmt.Fprintln(os.Stderr, "mkcpio:", err)
		os.Exit(1)
	}
}

func run(initPath, out string) error {
	init, err := os.ReadFile(initPath)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := linux.WriteNewc(&b, linux.InitramfsEntries(init)); err != nil {
		return err
	}
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}
