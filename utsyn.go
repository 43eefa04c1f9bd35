// Package utsyn holds Utsyn's domain: organisations, overarching plans, strategies and their
// element trees, and the vocabularies that describe how an organisation works internationally.
//
// The package knows nothing of SQL or HTTP. The store (internal/store) persists these types on
// SQLite or PostgreSQL; the web package (internal/web) shows them as pages and JSON.
package utsyn
