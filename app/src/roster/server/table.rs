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

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec()))
        .map_err(|e| format!("Excel 文件无法读取：{e}"))?;
    let sheet = book
        .worksheet_range_at(0)
        .ok_or("Excel 文件里没有工作表")?
        .map_err(|e| format!("Excel 文件无法读取：{e}"))?;
    Ok(sheet
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    // Phone numbers typed into Excel become numbers: no ".0", no exponent.
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                        format!("{}", *f as i64)
                    }
                    Data::DateTime(d) => format!("{}", d.as_f64().trunc() as i64),
                    other => other.to_string().trim().to_owned(),
                })
                .collect()
        })
        .collect())
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
