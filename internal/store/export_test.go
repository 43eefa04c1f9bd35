package store

// SmallSet lets the tests move the line between a set filter read whole and one checked row
// by row.
var SmallSet = &smallSet
