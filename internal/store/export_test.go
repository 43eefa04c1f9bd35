package store

// SmallSet lets the tests move the line between a set filter read whole and one checked row
// by row.
var SmallSet = &smallSet

// FewMatches lets the tests move the line between a search whose matches SQLite looks up one
// by one and one it checks along the list's order.
var FewMatches = &fewMatches

// NarrowFilter lets the tests move the line between a filter whose engagements are read
// whole and one found along the list's order.
var NarrowFilter = &narrowFilter

// KeepRegisters lets the benchmarks measure a list asked for the first time.
var KeepRegisters = &keepRegisters
