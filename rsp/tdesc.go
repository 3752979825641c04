package rsp

// TargetDescription is optional: the target description XML documents served
// by qXfer:features:read. gdb asks for "target.xml" first and then for every
// file it includes. Return ok == false for an unknown annex.
type TargetDescription interface {
	TargetXML(annex string) (xml []byte, ok bool)
}
