package importer

// FailAt makes an import fail when it stores the record of the row (1-based), for tests that
// show a failure half-way leaves nothing behind.
func FailAt(opt Options, row int) Options {
	opt.failAt = row
	return opt
}
