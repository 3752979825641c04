package main

import (
	"fmt"
	"math"
	"strings"
)

// A row of the final table: one case, ours against QEMU in the same run.
type row struct {
	name  string
	unit  string  // of ours and theirs: "MIPS", "stops/s", …
	ours  float64 // NaN: not measured
	qemu  float64 // NaN: QEMU has no such figure
	goal  string  // from issue 14, "" when none
	ir    float64 // host instructions per irUnit on our side, counted by valgrind; NaN: not counted
	irPer string  // "guest insn", "stop", …
	note  string
	met   string // "yes" or "no" where the row decides it; "" lets a goal "≥ N×" decide on the ratio
	lower bool   // a lower figure is better (the ratio is then qemu/ours)
}

// yesNo is a row's met.
func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "no"
}

// goalMet: the row's own verdict, or the ratio against a goal "≥ N×"; "" when there is nothing to judge.
func (r row) goalMet() string {
	if r.met != "" {
		return r.met
	}
	var want float64
	if _, err := fmt.Sscanf(r.goal, "≥ %f×", &want); err != nil || math.IsNaN(r.ratio()) {
		return ""
	}
	return yesNo(r.ratio() >= want)
}

// The rows in the order they were measured; the table prints them at the end.
var rows []row

func addRow(r row) { rows = append(rows, r) }

func nan() float64 { return math.NaN() }

func (r row) ratio() float64 {
	num, den := r.ours, r.qemu
	if r.lower {
		num, den = r.qemu, r.ours
	}
	if den <= 0 { // a time too short to measure: a ratio against it says nothing
		return nan()
	}
	return num / den
}

func fmtNum(v float64) string {
	switch {
	case math.IsNaN(v):
		return "—"
	case v >= 1e6:
		return fmt.Sprintf("%.1f M", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.1f k", v/1e3)
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func printTable() {
	if len(rows) == 0 {
		return
	}
	head := []string{"case", "unit", "ours", "QEMU", "ratio", "goal", "met", "host insn (ours)", "note"}
	cells := [][]string{head}
	for _, r := range rows {
		ratio := "—"
		if !math.IsNaN(r.ours) && !math.IsNaN(r.qemu) {
			ratio = fmt.Sprintf("%.2f×", r.ratio())
		}
		ir := "—"
		if !math.IsNaN(r.ir) {
			ir = fmtNum(r.ir) + " / " + r.irPer
		}
		cells = append(cells, []string{r.name, r.unit, fmtNum(r.ours), fmtNum(r.qemu), ratio, r.goal, r.goalMet(), ir, r.note})
	}
	width := make([]int, len(head))
	for _, c := range cells {
		for i, s := range c {
			width[i] = max(width[i], len([]rune(s)))
		}
	}
	line := func(c []string) {
		var b strings.Builder
		for i, s := range c {
			pad := width[i] - len([]rune(s))
			if i >= 2 && i <= 4 { // numbers right-aligned
				b.WriteString(strings.Repeat(" ", pad) + s)
			} else {
				b.WriteString(s + strings.Repeat(" ", pad))
			}
			if i < len(c)-1 {
				b.WriteString("  ")
			}
		}
		fmt.Println(strings.TrimRight(b.String(), " "))
	}
	fmt.Println("== summary (issues 11–14; ratio: higher is better — ours/QEMU, or QEMU/ours for times)")
	line(head)
	sep := make([]string, len(head))
	for i := range sep {
		sep[i] = strings.Repeat("-", width[i])
	}
	line(sep)
	for _, c := range cells[1:] {
		line(c)
	}
}
