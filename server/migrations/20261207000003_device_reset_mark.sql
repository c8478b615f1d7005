-- Which push last noticed a device's numbering start again (a random mark per push): lets a
-- push move the device's high-water mark, count a reset and learn whether it found one in a
-- single upsert, instead of reading the row first.
ALTER TABLE devices ADD COLUMN reset_mark TEXT;
