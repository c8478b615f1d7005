//! Roster files (CSV in UTF-8 or GBK, XLSX) read into rows of text.

/// The largest roster file accepted.
pub const MAX_FILE_BYTES: usize = 2 * 1024 * 1024;

/// Reads a CSV or XLSX file into rows of text. CSV may be UTF-8 (with or without BOM) or the
/// GB18030/GBK that Excel writes on Chinese Windows.
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    if bytes.is_empty() {
        return Err("文件是空的".into());
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err("文件太大（最多 2 MB）".into());
    }
    let lower = file_name.to_lowercase();
    if bytes.starts_with(b"PK") || lower.ends_with(".xlsx") {
        return read_xlsx(bytes);
    }
    if lower.ends_with(".xls") {
        return Err("请把旧版 .xls 文件另存为 .xlsx 或 .csv 后再导入".into());
    }
    let text = match bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes) {
        utf8 if std::str::from_utf8(utf8).is_ok() => String::from_utf8_lossy(utf8).into_owned(),
        other => encoding_rs::GB18030.decode(other).0.into_owned(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            r.map(|rec| rec.iter().map(|c| c.trim().to_owned()).collect())
                .map_err(|e| format!("CSV 文件无法读取：{e}"))
        })
        .collect()
}

/// The most a roster workbook may hold once unpacked: a few hundred members take kilobytes.
pub const MAX_UNPACKED_BYTES: u64 = 20 * 1024 * 1024;
/// The most rows and columns a roster sheet may use.
pub const MAX_ROWS: u32 = 5_000;
pub const MAX_COLUMNS: u32 = 60;

/// Refuses a workbook that unpacks to more than [`MAX_UNPACKED_BYTES`] (a "zip bomb": a tiny
/// file of endlessly repeated XML), by unpacking it once through a counting limit — the sizes
/// a zip file declares may lie.
fn check_unpacked_size(bytes: &[u8]) -> Result<(), String> {
    use std::io::Read;
    let unreadable = |e: &dyn std::fmt::Display| format!("Excel 文件无法读取：{e}");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let mut left = MAX_UNPACKED_BYTES;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| unreadable(&e))?;
        let read = std::io::copy(&mut entry.take(left + 1), &mut std::io::sink())
            .map_err(|e| unreadable(&e))?;
        if read > left {
            return Err("Excel 文件解压后太大，不像是党员名单（最多 20 MB）".into());
        }
        left -= read;
    }
    Ok(())
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    use calamine::{DataRef, Reader, Xlsx, open_workbook_from_rs};
    check_unpacked_size(bytes)?;
    let unreadable = |e: calamine::XlsxError| format!("Excel 文件无法读取：{e}");
    let mut book: Xlsx<_> =
        open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).map_err(unreadable)?;
    let first = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or("Excel 文件里没有工作表")?;
    // Cell by cell, never `worksheet_range`: a range is allocated as large as the sheet says it
    // is, and a sheet may claim a million rows in a file of a few bytes.
    let mut cells = book.worksheet_cells_reader(&first).map_err(unreadable)?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let (row, col) = cell.get_position();
        if row >= MAX_ROWS || col >= MAX_COLUMNS {
            return Err(format!(
                "Excel 文件太大：最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列"
            ));
        }
        let text = match cell.get_value() {
            DataRef::Empty => String::new(),
            // Phone numbers typed into Excel become numbers: no ".0", no exponent.
            DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            DataRef::DateTime(d) => format!("{}", d.as_f64().trunc() as i64),
            other => calamine::Data::from(other.clone())
                .to_string()
                .trim()
                .to_owned(),
        };
        let (row, col) = (row as usize, col as usize);
        if rows.len() <= row {
            rows.resize_with(row + 1, Vec::new);
        }
        let line = &mut rows[row];
        if line.len() <= col {
            line.resize(col + 1, String::new());
        }
        line[col] = text;
    }
    // The table starts at the sheet's first used row, where the heading is.
    let first_used = rows
        .iter()
        .position(|r| r.iter().any(|c| !c.is_empty()))
        .unwrap_or(rows.len());
    rows.drain(..first_used);
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_utf8_with_bom_and_in_gbk_reads_alike() {
        let text = "支部,姓名,手机号\n第一党支部,王丽,13800138000\n";
        let utf8 = read_table("a.csv", format!("\u{feff}{text}").as_bytes()).unwrap();
        let (gbk, _, _) = encoding_rs::GB18030.encode(text);
        assert_eq!(read_table("a.csv", &gbk).unwrap(), utf8);
        assert_eq!(utf8[1], ["第一党支部", "王丽", "13800138000"]);
    }

    /// A workbook written by hand, with `sheet` as its only worksheet's XML.
    fn workbook(sheet: &str) -> Vec<u8> {
        use std::io::Write;
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let files = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_owned(),
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_owned(),
            ),
            (
                "xl/workbook.xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_owned(),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_owned(),
            ),
            ("xl/worksheets/sheet1.xml", sheet.to_owned()),
        ];
        for (name, text) in files {
            zip.start_file(name, options).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
        out.into_inner()
    }

    fn sheet(dimension: &str, rows: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"#
        )
    }

    const ROWS: &str = r#"<row r="2"><c r="B2" t="inlineStr"><is><t>姓名</t></is></c></row><row r="3"><c r="B3" t="inlineStr"><is><t>王丽</t></is></c><c r="C3"><v>13800138000</v></c></row>"#;

    #[test]
    fn a_workbook_written_by_hand_reads_from_its_first_used_row() {
        let table = read_table("名单.xlsx", &workbook(&sheet("B2:C3", ROWS))).unwrap();
        assert_eq!(table, [vec!["", "姓名"], vec!["", "王丽", "13800138000"]]);
    }

    #[test]
    fn a_sheet_that_claims_the_whole_grid_is_read_by_its_cells() {
        // A few bytes that claim 17 billion cells: read cell by cell, nothing that size is made.
        let table = read_table("名单.xlsx", &workbook(&sheet("A1:XFD1048576", ROWS))).unwrap();
        assert_eq!(table.len(), 2);
        let far = r#"<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#;
        let err = read_table("名单.xlsx", &workbook(&sheet("A1:XFD1048576", far))).unwrap_err();
        assert!(err.contains("最多 5000 行"), "{err}");
    }

    #[test]
    fn a_workbook_that_unpacks_to_gigabytes_is_refused_unread() {
        // 30 MB of one repeated row compresses to well under the 2 MB upload limit.
        let row = r#"<row><c t="inlineStr"><is><t>x</t></is></c></row>"#;
        let bomb = workbook(&sheet("A1:A1", &row.repeat(30 * 1024 * 1024 / row.len())));
        assert!(bomb.len() < MAX_FILE_BYTES, "{} bytes", bomb.len());
        let err = read_table("名单.xlsx", &bomb).unwrap_err();
        assert!(err.contains("解压后太大"), "{err}");
    }

    #[test]
    fn files_that_cannot_be_read_say_why() {
        assert_eq!(read_table("a.csv", b"").unwrap_err(), "文件是空的");
        assert!(
            read_table("a.xls", b"\xD0\xCF\x11\xE0")
                .unwrap_err()
                .contains(".xlsx")
        );
        assert!(
            read_table("a.xlsx", b"PK\x03\x04 not really")
                .unwrap_err()
                .contains("Excel")
        );
        assert!(
            read_table("big.csv", &vec![b'a'; MAX_FILE_BYTES + 1])
                .unwrap_err()
                .contains("2 MB")
        );
    }
}
