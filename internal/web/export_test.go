package web

// SSOStartsPerAddress is how many sign-ins one address may start at a time, for the tests.
const SSOStartsPerAddress = ssoStartsPerAddress
