//! A cycle's indicator observations written out, each with its State, year,
//! disaggregation and the report revision it comes from: as CSV (the
//! columns of the indicator import, and the source), as SDMX-CSV (one
//! column per dimension, areas as M49 codes, totals as `_T`, the way the SDG
//! global database and .Stat exchange data), and as an Excel workbook.
//! The same observations give the same bytes, whatever order they came in.

use std::collections::BTreeSet;

use imrf_gcm::refdata::reference;
use imrf_proto::v1::{DisaggregationDimension, ExportedObservation};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use crate::workbook::WorkbookError;

/// The dataflow the SDMX-CSV rows belong to.
pub const DATAFLOW: &str = "IMRF:GCM_NATIONAL_OBSERVATIONS(1.0)";

/// The columns of the CSV and the workbook.
pub const COLUMNS: [&str; 11] = [
    "state",
    "indicator",
    "year",
    "dimension",
    "category",
    "value",
    "unit",
    "source",
    "report_id",
    "revision",
    "m49",
];

/// The observations in a fixed order: by State, indicator, year,
/// dimension, category, then report.
fn sorted(rows: &[ExportedObservation]) -> Vec<&ExportedObservation> {
    let mut out: Vec<&ExportedObservation> = rows.iter().collect();
    out.sort_by(|a, b| {
        let key = |r: &ExportedObservation| {
            let o = r.observation.clone().unwrap_or_default();
            (
                r.state.clone(),
                o.indicator_code,
                o.year,
                o.dimension,
                o.category,
                r.report_id.clone(),
                r.revision,
            )
        };
        key(a).cmp(&key(b))
    });
    out
}

/// The dimension as the indicator CSV writes it ("" for a total).
pub(crate) fn dimension_word(d: i32) -> String {
    match DisaggregationDimension::try_from(d).unwrap_or_default() {
        DisaggregationDimension::Unspecified => String::new(),
        d => d
            .as_str_name()
            .trim_start_matches("DISAGGREGATION_DIMENSION_")
            .to_lowercase(),
    }
}

fn m49(iso3: &str) -> String {
    reference()
        .member_state(iso3)
        .map_or_else(String::new, |s| s.m49.clone())
}

/// A number as the files write it: the shortest form that reads back the
/// same.
fn number(x: f64) -> String {
    format!("{x}")
}

fn cells(r: &ExportedObservation) -> Vec<String> {
    let o = r.observation.clone().unwrap_or_default();
    vec![
        r.state.clone(),
        o.indicator_code,
        o.year.to_string(),
        dimension_word(o.dimension),
        o.category,
        number(o.value),
        o.unit,
        o.source,
        r.report_id.clone(),
        r.revision.to_string(),
        m49(&r.state),
    ]
}

/// The observations as CSV, with the header [`COLUMNS`].
pub fn csv(rows: &[ExportedObservation]) -> Vec<u8> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(COLUMNS);
    for r in sorted(rows) {
        let _ = writer.write_record(cells(r));
    }
    writer.into_inner().unwrap_or_default()
}

/// The observations as SDMX-CSV: `DATAFLOW`, `INDICATOR`, `REF_AREA` (M49),
/// `TIME_PERIOD`, one column per disaggregation the observations use (`_T`
/// where a row is a total in it), `UNIT_MEASURE`, `OBS_VALUE`,
/// `SOURCE_DETAIL` (the observation's source), and `REPORT_ID` and
/// `REPORT_REVISION`, the report revision it comes from. [`crate::sdmx`]
/// reads it back.
pub fn sdmx_csv(rows: &[ExportedObservation]) -> Vec<u8> {
    let used: BTreeSet<i32> = rows
        .iter()
        .filter_map(|r| r.observation.as_ref().map(|o| o.dimension))
        .filter(|d| *d != DisaggregationDimension::Unspecified as i32)
        .collect();
    let dims: Vec<DisaggregationDimension> = used
        .into_iter()
        .filter_map(|d| DisaggregationDimension::try_from(d).ok())
        .collect();
    let mut header = vec!["DATAFLOW", "INDICATOR", "REF_AREA", "TIME_PERIOD"];
    header.extend(dims.iter().map(|d| crate::sdmx::concept(*d)));
    header.extend([
        "UNIT_MEASURE",
        "OBS_VALUE",
        "SOURCE_DETAIL",
        "REPORT_ID",
        "REPORT_REVISION",
    ]);
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(&header);
    for r in sorted(rows) {
        let o = r.observation.clone().unwrap_or_default();
        let mut row = vec![
            DATAFLOW.to_string(),
            o.indicator_code.clone(),
            m49(&r.state),
            o.year.to_string(),
        ];
        for d in &dims {
            row.push(if o.dimension == *d as i32 {
                o.category.clone()
            } else {
                "_T".to_string()
            });
        }
        row.extend([
            o.unit.clone(),
            number(o.value),
            o.source.clone(),
            r.report_id.clone(),
            r.revision.to_string(),
        ]);
        let _ = writer.write_record(&row);
    }
    writer.into_inner().unwrap_or_default()
}

/// The observations as a workbook: one sheet, the columns of the CSV, the
/// values as numbers. Its document properties carry a fixed date, so the
/// same observations give the same bytes.
pub fn xlsx(rows: &[ExportedObservation], cycle: &str) -> Result<Vec<u8>, WorkbookError> {
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("Indicator observations of review cycle {cycle}"))
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let sheet = book.add_worksheet().set_name("Observations")?;
    let bold = Format::new().set_bold();
    for (col, name) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, u16::try_from(col).unwrap_or(0), *name, &bold)?;
    }
    for (i, r) in sorted(rows).into_iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let o = r.observation.clone().unwrap_or_default();
        let texts = cells(r);
        for (col, text) in texts.iter().enumerate() {
            let col = u16::try_from(col).unwrap_or(0);
            match col {
                2 => sheet.write_number(row, col, f64::from(o.year))?,
                5 => sheet.write_number(row, col, o.value)?,
                9 => sheet.write_number(row, col, f64::from(r.revision))?,
                _ => sheet.write_string(row, col, text)?,
            };
        }
    }
    let last = u32::try_from(rows.len()).unwrap_or(0);
    sheet.autofilter(0, 0, last, u16::try_from(COLUMNS.len() - 1).unwrap_or(0))?;
    sheet.set_freeze_panes(1, 0)?;
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use imrf_proto::v1::IndicatorObservation;

    use super::*;

    fn row(
        state: &str,
        year: i32,
        dimension: DisaggregationDimension,
        category: &str,
        value: f64,
    ) -> ExportedObservation {
        ExportedObservation {
            state: state.into(),
            report_id: format!("2026-{state}-VNR"),
            revision: 2,
            observation: Some(IndicatorObservation {
                indicator_code: "10.7.2".into(),
                value,
                unit: "percent".into(),
                year,
                dimension: dimension as i32,
                category: category.into(),
                source: "NSO".into(),
            }),
        }
    }

    fn rows() -> Vec<ExportedObservation> {
        vec![
            row("KEN", 2025, DisaggregationDimension::Sex, "female", 80.0),
            row("DEU", 2024, DisaggregationDimension::Unspecified, "", 91.5),
            row("KEN", 2025, DisaggregationDimension::Unspecified, "", 83.3),
        ]
    }

    #[test]
    fn csv_rows_are_sorted_and_name_their_source() {
        let text = String::from_utf8(csv(&rows())).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], COLUMNS.join(","));
        assert_eq!(
            lines[1],
            "DEU,10.7.2,2024,,,91.5,percent,NSO,2026-DEU-VNR,2,276"
        );
        assert_eq!(
            lines[2],
            "KEN,10.7.2,2025,,,83.3,percent,NSO,2026-KEN-VNR,2,404"
        );
        assert_eq!(
            lines[3],
            "KEN,10.7.2,2025,sex,female,80,percent,NSO,2026-KEN-VNR,2,404"
        );
    }

    #[test]
    fn sdmx_csv_has_a_column_per_dimension_and_totals_as_t() {
        let text = String::from_utf8(sdmx_csv(&rows())).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "DATAFLOW,INDICATOR,REF_AREA,TIME_PERIOD,SEX,UNIT_MEASURE,OBS_VALUE,SOURCE_DETAIL,REPORT_ID,REPORT_REVISION"
        );
        assert_eq!(
            lines[3],
            "IMRF:GCM_NATIONAL_OBSERVATIONS(1.0),10.7.2,404,2025,female,percent,80,NSO,2026-KEN-VNR,2"
        );
        assert!(lines[1].contains(",276,2024,_T,"), "{}", lines[1]);
    }

    #[test]
    fn the_sdmx_export_reads_back_as_the_same_observations()
    -> Result<(), crate::indicators::IndicatorFileError> {
        let text = sdmx_csv(&rows());
        let back = crate::sdmx::read("export.csv", text.as_slice(), "2026", None)?;
        assert!(back.errors.is_empty(), "{:?}", back.errors);
        let mut read: Vec<(String, IndicatorObservation)> = back
            .by_state
            .into_iter()
            .flat_map(|(state, rows)| {
                rows.into_iter()
                    .map(move |r| (state.clone(), r.observation))
            })
            .collect();
        let mut written: Vec<(String, IndicatorObservation)> = rows()
            .into_iter()
            .map(|r| (r.state, r.observation.unwrap_or_default()))
            .collect();
        let order = |v: &mut Vec<(String, IndicatorObservation)>| {
            v.sort_by(|a, b| (&a.0, a.1.year, &a.1.category).cmp(&(&b.0, b.1.year, &b.1.category)))
        };
        order(&mut read);
        order(&mut written);
        assert_eq!(read, written);
        Ok(())
    }

    #[test]
    fn the_same_observations_give_the_same_bytes_in_every_format() -> Result<(), WorkbookError> {
        let mut shuffled = rows();
        shuffled.reverse();
        assert_eq!(csv(&rows()), csv(&shuffled));
        assert_eq!(sdmx_csv(&rows()), sdmx_csv(&shuffled));
        assert_eq!(xlsx(&rows(), "2026")?, xlsx(&shuffled, "2026")?);
        Ok(())
    }
}
