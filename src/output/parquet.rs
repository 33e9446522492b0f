//! The per-run tables as Parquet (`--format parquet`): `trajectories.parquet`,
//! `indices.parquet` and `events.parquet`, with the columns of their CSV twins
//! (`output::csv`), read natively by pandas, polars, R's arrow, DuckDB and Spark.
//!
//! Each batch of runs is one row group, so the files do not depend on the number of threads.
//! Text columns (dates, ids, kinds) are dictionary-encoded, and so are the events' numbers,
//! which repeat; the shares and indices, nearly all distinct, are plain doubles (a dictionary of
//! them was larger). Numbers are written at full precision (the CSV tables round them to six
//! decimals; a value printed with six decimals is the CSV's cell). No compression codec is
//! compiled in: the dictionary and run-length encodings carry the repetition of a long table,
//! and the files need no system library. The text columns of `trajectories.parquet` repeat one
//! run's rows, so they are encoded once per row-group size and the same bytes are spliced into
//! every row group.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;

use bytes::Bytes;
use parquet::basic::Encoding;
use parquet::column::writer::{
    ColumnCloseResult, ColumnWriter, get_column_writer, get_typed_column_writer_mut,
};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type};
use parquet::errors::ParquetError;
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterPropertiesPtr};
use parquet::file::writer::{SerializedFileWriter, SerializedPageWriter, TrackedWrite};
use parquet::schema::parser::parse_message_type;
use parquet::schema::types::{ColumnPath, SchemaDescPtr, SchemaDescriptor};
use rayon::prelude::*;

use super::log::{QUANTITY_COLUMNS, describe, quantity_column};
use crate::date::YearMonth;
use crate::engine::record::{Indices, RunRecord};
use crate::runs::ensemble::BATCH;
use crate::scenario::{Role, Scenario};

/// Writes `created_by` as this crate, so that the bytes do not depend on the parquet crate's
/// version string alone.
const CREATED_BY: &str = concat!("soft-balancing ", env!("CARGO_PKG_VERSION"));

/// One column of a row group.
enum Column<'a> {
    /// 32-bit integers (run numbers).
    Int(&'a [i32]),
    /// UTF-8 text.
    Text(&'a [ByteArray]),
    /// 64-bit floats.
    Real(&'a [f64]),
    /// Optional 64-bit floats: the values present, and per row 1 (present) or 0 (empty).
    OptReal(&'a [f64], &'a [i16]),
}

/// One column chunk encoded in memory: its bytes (pages as they go in the file) and what its
/// writer reported on closing, from which the row group places it in the file.
#[derive(Clone)]
struct Chunk {
    bytes: Bytes,
    close: ColumnCloseResult,
}

/// A column of a row group to write: values to encode, or a chunk encoded before.
enum Part<'a> {
    /// Values, given as pieces written one after the other.
    Values(Vec<Column<'a>>),
    /// A chunk already encoded (by [`Encoder::encode`] for this column).
    Encoded(&'a Chunk),
}

/// What encoding a column chunk in memory needs: the file's schema and writer properties
/// (shared by the threads that encode, apart from the file).
struct Encoder {
    schema: SchemaDescPtr,
    props: WriterPropertiesPtr,
}

impl Encoder {
    /// Encodes column `col` (in the schema's order) from `pieces` written one after the other,
    /// in memory: the same bytes the file's own column writer would write.
    fn encode(&self, col: usize, pieces: &[Column<'_>]) -> Result<Chunk, ParquetError> {
        let mut buf = TrackedWrite::new(Vec::new());
        let mut w = get_column_writer(
            self.schema.column(col),
            self.props.clone(),
            Box::new(SerializedPageWriter::new(&mut buf)),
        );
        write_pieces(&mut w, pieces)?;
        let close = w.close()?;
        Ok(Chunk {
            bytes: Bytes::from(buf.into_inner()?),
            close,
        })
    }
}

/// Writes `pieces`, one after the other, into the column writer `w` (of the pieces' type).
fn write_pieces(w: &mut ColumnWriter<'_>, pieces: &[Column<'_>]) -> Result<(), ParquetError> {
    for piece in pieces {
        match piece {
            Column::Int(v) => {
                get_typed_column_writer_mut::<Int32Type>(w).write_batch(v, None, None)?
            }
            Column::Text(v) => {
                get_typed_column_writer_mut::<ByteArrayType>(w).write_batch(v, None, None)?
            }
            Column::Real(v) => {
                get_typed_column_writer_mut::<DoubleType>(w).write_batch(v, None, None)?
            }
            Column::OptReal(v, def) => {
                get_typed_column_writer_mut::<DoubleType>(w).write_batch(v, Some(def), None)?
            }
        };
    }
    Ok(())
}

/// A Parquet file being written a row group at a time.
pub struct Table<W: Write + Send> {
    writer: SerializedFileWriter<W>,
    encoder: Encoder,
}

impl<W: Write + Send> Table<W> {
    /// A table of `schema` written to `out`; the columns named in `plain` are written as plain
    /// values, without a dictionary.
    fn new(out: W, schema: &str, plain: &[&str]) -> Result<Self, ParquetError> {
        let schema = Arc::new(parse_message_type(schema)?);
        // Minimum and maximum are kept for the run number only (readers skip row groups by
        // run); for text columns they cost more than the dictionary itself.
        let mut props = WriterProperties::builder()
            .set_created_by(CREATED_BY.to_string())
            .set_statistics_enabled(EnabledStatistics::None)
            .set_column_statistics_enabled(ColumnPath::from("run"), EnabledStatistics::Chunk)
            // Run numbers come in long runs of one value: delta-encoded, not hashed into a
            // dictionary value by value.
            .set_column_dictionary_enabled(ColumnPath::from("run"), false)
            .set_column_encoding(ColumnPath::from("run"), Encoding::DELTA_BINARY_PACKED);
        for name in plain {
            props = props.set_column_dictionary_enabled(ColumnPath::from(*name), false);
        }
        let props = Arc::new(props.build());
        Ok(Table {
            encoder: Encoder {
                schema: Arc::new(SchemaDescriptor::new(schema.clone())),
                props: props.clone(),
            },
            writer: SerializedFileWriter::new(out, schema, props)?,
        })
    }

    /// Writes one row group; `columns` in the schema's order, each encoded straight into the
    /// file or spliced in whole if encoded before.
    fn group(&mut self, columns: &[Part<'_>]) -> Result<(), ParquetError> {
        let mut rg = self.writer.next_row_group()?;
        for part in columns {
            match part {
                Part::Encoded(chunk) => rg.append_column(&chunk.bytes, chunk.close.clone())?,
                Part::Values(pieces) => {
                    let mut col = rg.next_column()?.ok_or_else(|| {
                        ParquetError::General("more columns than the schema".into())
                    })?;
                    write_pieces(col.untyped(), pieces)?;
                    col.close()?;
                }
            }
        }
        rg.close()?;
        Ok(())
    }

    /// Writes the footer and returns the output.
    pub fn finish(self) -> Result<W, ParquetError> {
        self.writer.into_inner()
    }
}

fn text(s: &str) -> ByteArray {
    ByteArray::from(s.as_bytes().to_vec())
}

/// The cells of the short text columns that repeat from row to row (dates, actor ids, kinds),
/// each made once and shared: a shared cell costs a count, where formatting a date and copying
/// it for every row of every run cost several percent of an ensemble's CPU.
#[derive(Default)]
struct Cells {
    dates: BTreeMap<YearMonth, ByteArray>,
    actors: Vec<ByteArray>,
}

impl Cells {
    fn date(&mut self, d: YearMonth) -> ByteArray {
        self.dates
            .entry(d)
            .or_insert_with(|| text(&d.to_string()))
            .clone()
    }

    /// A fixed word (an entry's kind), pointed to rather than copied.
    fn word(w: &'static str) -> ByteArray {
        ByteArray::from(Bytes::from_static(w.as_bytes()))
    }

    fn actor(&mut self, sc: &Scenario, i: usize) -> ByteArray {
        if self.actors.is_empty() {
            self.actors = sc.actors.iter().map(|a| text(&a.id)).collect();
        }
        self.actors[i].clone()
    }
}

/// `trajectories.parquet`: run, date, actor, patron, share (as `trajectories.csv`).
pub struct Trajectories<W: Write + Send> {
    table: Table<W>,
    /// The states (actor index and id) and the patrons' ids, in scenario order.
    states: Vec<(usize, ByteArray)>,
    patron_ids: Vec<ByteArray>,
    /// Actors.
    n: usize,
    /// Date, actor and patron of each row of one run (the same for every run).
    dates: Vec<ByteArray>,
    actors: Vec<ByteArray>,
    patrons: Vec<ByteArray>,
    /// Where each row's share is in a record's `alignment`.
    at: Vec<usize>,
    /// The date, actor and patron columns of row groups of so many runs, encoded (at most two
    /// sizes: a full batch and the last one): they repeat one run's rows, so every full batch
    /// has the same chunks, and hashing 1.6 million values a thousand runs into dictionaries
    /// again for each batch was about an eighth of an ensemble's CPU.
    texts: Vec<(usize, [Chunk; 3])>,
    /// Runs of the last row group, when known ([`Trajectories::expect`]).
    last: Option<usize>,
    run: Vec<i32>,
    share: Vec<f64>,
}

impl<W: Write + Send> Trajectories<W> {
    /// A table for the runs of `sc`, written to `out`.
    pub fn new(sc: &Scenario, out: W) -> Result<Self, ParquetError> {
        let table = Table::new(
            out,
            "message trajectories { REQUIRED INT32 run; REQUIRED BYTE_ARRAY date (UTF8); \
             REQUIRED BYTE_ARRAY actor (UTF8); REQUIRED BYTE_ARRAY patron (UTF8); \
             REQUIRED DOUBLE share; }",
            // Nearly every share differs from the others of its row group: a dictionary of them
            // was larger than the plain values (9.3 against 8 bytes a share) and hashing 1.6
            // million of them cost about a sixth of an ensemble's CPU.
            &["share"],
        )?;
        let np = sc.patrons.len();
        Ok(Trajectories {
            table,
            states: sc
                .actors
                .iter()
                .enumerate()
                .filter(|(_, a)| a.role == Role::State)
                .map(|(i, a)| (i, text(&a.id)))
                .collect(),
            patron_ids: (0..np).map(|p| text(sc.patron_id(p))).collect(),
            n: sc.actors.len(),
            dates: Vec::new(),
            actors: Vec::new(),
            patrons: Vec::new(),
            at: Vec::new(),
            texts: Vec::new(),
            last: None,
            run: Vec::new(),
            share: Vec::new(),
        })
    }

    /// Tells the table that it will hold an ensemble of `runs` runs, written a batch of
    /// [`BATCH`] at a time ([`crate::runs::ensemble::run_batches_with`]), so that it prepares
    /// the last row group's text columns early.
    pub fn expect(&mut self, runs: usize) {
        self.last = Some(match runs % BATCH {
            0 => BATCH,
            n => n,
        });
    }

    /// The date, actor and patron of each row of a run, and where its share is, from the first
    /// run's dates (every run has the same).
    fn layout(&mut self, rec: &RunRecord) {
        let np = self.patron_ids.len();
        for (k, date) in rec.dates.iter().enumerate() {
            let d = text(&date.to_string());
            for (i, id) in &self.states {
                for (p, pid) in self.patron_ids.iter().enumerate() {
                    self.dates.push(d.clone());
                    self.actors.push(id.clone());
                    self.patrons.push(pid.clone());
                    self.at.push((k * self.n + i) * np + p);
                }
            }
        }
    }

    /// Appends `runs` as one row group, the first of which is run `first + 1`.
    pub fn write(&mut self, first: usize, runs: &[RunRecord]) -> Result<(), ParquetError> {
        if self.at.is_empty()
            && let Some(rec) = runs.first()
        {
            self.layout(rec);
        }
        let rows = self.at.len();
        self.run.clear();
        self.share.clear();
        for (r, rec) in runs.iter().enumerate() {
            if rec.alignment.len() < self.at.last().map_or(0, |&k| k + 1) {
                return Err(ParquetError::General(format!(
                    "run {} recorded fewer dates than the scenario has",
                    first + r + 1
                )));
            }
            self.run
                .extend(std::iter::repeat_n(run_number(first + r)?, rows));
            self.share.extend(self.at.iter().map(|&k| rec.alignment[k]));
        }
        if !self.texts.iter().any(|(n, _)| *n == runs.len()) {
            // The last row group's chunks, when it is shorter, are encoded now too: while the
            // workers run the next batches, rather than after the last run, when nothing else
            // is left to do.
            let mut sizes = vec![runs.len()];
            sizes.extend(self.last.filter(|&n| n != runs.len() && n > 0));
            let encoder = &self.table.encoder;
            let (dates, actors, patrons) = (&self.dates, &self.actors, &self.patrons);
            let encoded: Vec<Result<[Chunk; 3], ParquetError>> = sizes
                .par_iter()
                .map(|&n| {
                    let encode = |col: usize, v: &[ByteArray]| encoder.encode(col, &each(v, n));
                    let (d, (a, p)) = rayon::join(
                        || encode(1, dates),
                        || rayon::join(|| encode(2, actors), || encode(3, patrons)),
                    );
                    Ok([d?, a?, p?])
                })
                .collect();
            // Only the sizes still to come are kept, so that a caller writing groups of many
            // sizes does not hold a chunk for each.
            let last = self.last;
            self.texts.retain(|(n, _)| Some(*n) == last);
            for (n, chunks) in sizes.into_iter().zip(encoded) {
                self.texts.push((n, chunks?));
            }
        }
        let Some((_, [dates, actors, patrons])) = self.texts.iter().find(|(n, _)| *n == runs.len())
        else {
            return Err(ParquetError::General("text columns not encoded".into()));
        };
        self.table.group(&[
            Part::Values(vec![Column::Int(&self.run)]),
            Part::Encoded(dates),
            Part::Encoded(actors),
            Part::Encoded(patrons),
            Part::Values(vec![Column::Real(&self.share)]),
        ])
    }

    /// Writes the footer and returns the output.
    pub fn finish(self) -> Result<W, ParquetError> {
        self.table.finish()
    }
}

/// `v` written `times` times over.
fn each(v: &[ByteArray], times: usize) -> Vec<Column<'_>> {
    (0..times).map(|_| Column::Text(v)).collect()
}

fn run_number(r: usize) -> Result<i32, ParquetError> {
    i32::try_from(r + 1).map_err(|_| ParquetError::General(format!("run {} past 2^31", r + 1)))
}

/// `indices.parquet`: run, date and one column per index (as `indices.csv`).
pub struct IndicesTable<W: Write + Send> {
    table: Table<W>,
    cells: Cells,
}

impl<W: Write + Send> IndicesTable<W> {
    /// A table written to `out`.
    pub fn new(out: W) -> Result<Self, ParquetError> {
        let cols: String = Indices::NAMES
            .iter()
            .map(|n| format!("REQUIRED DOUBLE {n}; "))
            .collect();
        let schema = format!(
            "message indices {{ REQUIRED INT32 run; REQUIRED BYTE_ARRAY date (UTF8); {cols}}}"
        );
        Ok(IndicesTable {
            // The indices, like the shares, nearly all differ: plain values are smaller and
            // cheaper than a dictionary.
            table: Table::new(out, &schema, &Indices::NAMES)?,
            cells: Cells::default(),
        })
    }

    /// Appends `runs` as one row group, the first of which is run `first + 1`.
    pub fn write(&mut self, first: usize, runs: &[RunRecord]) -> Result<(), ParquetError> {
        let mut run = Vec::new();
        let mut date = Vec::new();
        let mut values: [Vec<f64>; 4] = Default::default();
        for (r, rec) in runs.iter().enumerate() {
            let number = run_number(first + r)?;
            for (d, idx) in rec.dates.iter().zip(&rec.indices) {
                run.push(number);
                date.push(self.cells.date(*d));
                for (col, v) in values.iter_mut().zip(idx.values()) {
                    col.push(v);
                }
            }
        }
        let mut columns = vec![
            Part::Values(vec![Column::Int(&run)]),
            Part::Values(vec![Column::Text(&date)]),
        ];
        columns.extend(values.iter().map(|v| Part::Values(vec![Column::Real(v)])));
        self.table.group(&columns)
    }

    /// Writes the footer and returns the output.
    pub fn finish(self) -> Result<W, ParquetError> {
        self.table.finish()
    }
}

/// `events.parquet`: run, date, actor, kind, decision, score_for, score_against and the named
/// number columns (`output::log::QUANTITY_COLUMNS`, empty where the entry reports no such
/// number), in the rows and order of `events.csv`.
pub struct Events<W: Write + Send> {
    table: Table<W>,
    cells: Cells,
}

impl<W: Write + Send> Events<W> {
    /// A table written to `out`.
    pub fn new(out: W) -> Result<Self, ParquetError> {
        let mut schema = String::from(
            "message events { REQUIRED INT32 run; REQUIRED BYTE_ARRAY date (UTF8); \
             REQUIRED BYTE_ARRAY actor (UTF8); REQUIRED BYTE_ARRAY kind (UTF8); \
             REQUIRED BYTE_ARRAY decision (UTF8); REQUIRED DOUBLE score_for; \
             REQUIRED DOUBLE score_against;",
        );
        for name in QUANTITY_COLUMNS {
            schema.push_str(&format!(" OPTIONAL DOUBLE {name};"));
        }
        schema.push_str(" }");
        // Scores and amounts repeat across runs here: the dictionary makes the table smaller.
        let table = Table::new(out, &schema, &[])?;
        Ok(Events {
            table,
            cells: Cells::default(),
        })
    }

    /// Appends the log entries of `runs` as one row group, the first of which is run
    /// `first + 1`; each run's entries by date, as `events.csv` orders them.
    pub fn write(
        &mut self,
        sc: &Scenario,
        first: usize,
        runs: &[RunRecord],
    ) -> Result<(), ParquetError> {
        let mut run = Vec::new();
        let mut texts: [Vec<ByteArray>; 4] = Default::default();
        let mut scores: [Vec<f64>; 2] = Default::default();
        let mut numbers: Vec<Vec<f64>> = vec![Vec::new(); QUANTITY_COLUMNS.len()];
        let mut present: Vec<Vec<i16>> = vec![Vec::new(); QUANTITY_COLUMNS.len()];
        let mut order: Vec<usize> = Vec::new();
        for (r, rec) in runs.iter().enumerate() {
            let number = run_number(first + r)?;
            order.clear();
            order.extend(0..rec.log.len());
            order.sort_by_key(|&k| rec.log[k].date);
            for &k in &order {
                let e = &rec.log[k];
                let (kind, words) = describe(sc, e);
                run.push(number);
                texts[0].push(self.cells.date(e.date));
                texts[1].push(self.cells.actor(sc, e.actor));
                texts[2].push(Cells::word(kind));
                texts[3].push(ByteArray::from(words.into_bytes()));
                scores[0].push(e.score_for);
                scores[1].push(e.score_against);
                let filled = quantity_column(sc, e);
                for (c, (nums, def)) in numbers.iter_mut().zip(&mut present).enumerate() {
                    if filled == Some(c) {
                        nums.push(e.value);
                        def.push(1);
                    } else {
                        def.push(0);
                    }
                }
            }
        }
        let mut columns = vec![Part::Values(vec![Column::Int(&run)])];
        columns.extend(texts.iter().map(|v| Part::Values(vec![Column::Text(v)])));
        columns.extend(scores.iter().map(|v| Part::Values(vec![Column::Real(v)])));
        columns.extend(
            numbers
                .iter()
                .zip(&present)
                .map(|(v, d)| Part::Values(vec![Column::OptReal(v, d)])),
        );
        self.table.group(&columns)
    }

    /// Writes the footer and returns the output.
    pub fn finish(self) -> Result<W, ParquetError> {
        self.table.finish()
    }
}
