-- SQLite's step 10 adds the report's details (title, acronym, unit, responsible person,
-- renewal date) to its index. PostgreSQL keeps its index as it is: an index entry there is at
-- most 2,704 bytes, and a title of 500 characters in two languages can be longer.
SELECT 1;
