//! Typed columns built block by block: each block parses its part of a column
//! ([`BlockColumn`]) on its own thread, and the merge appends it to the column's [`Builder`] in
//! file order. An undeclared column starts as whole numbers and becomes text at the first other
//! value; when finished, an undeclared text column whose values all read as numbers, yes/no or
//! dates takes that type.

use super::interner::{BlockDict, Interner};
use crate::leads::values::{parse_bool, parse_day, parse_number};
use crate::leads::{ColumnData, MISSING_BOOL, MISSING_DATE, MISSING_TEXT};
use crate::model::FieldKind;

/// A column's type while reading.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    /// Undeclared: text, or a number, a boolean or a date when all its values are.
    Guess,
    Number,
    Bool,
    Date,
}

/// A missing cell of [`Builder::Ints`].
pub(crate) const MISSING_INT: u64 = u64::MAX;

/// A column under construction.
pub(crate) enum Builder {
    /// An undeclared column whose values so far are all whole numbers written plainly (`0`,
    /// `42`, not `042` or `+42`), so that their text is the number's: numbers or
    /// [`MISSING_INT`]. It becomes text at the first other value.
    Ints(Vec<u64>),
    Text {
        dict: Vec<String>,
        index: Interner,
        codes: Vec<u32>,
        /// Declared text: never re-typed.
        declared: bool,
    },
    Number(Vec<f64>),
    Bool(Vec<u8>),
    Date(Vec<i32>),
}

/// One block's part of a column.
pub(crate) enum BlockColumn {
    /// See [`Builder::Ints`].
    Ints(Vec<u64>),
    Text {
        dict: BlockDict,
        codes: Vec<u32>,
    },
    Number(Vec<f64>),
    Bool(Vec<u8>),
    Date(Vec<i32>),
}

/// A cell's whole number, when it is written plainly: 1 to 15 digits, no leading zero.
#[inline]
pub(crate) fn plain_int(cell: &[u8]) -> Option<u64> {
    match cell {
        [] | [b'0', _, ..] => None,
        _ if cell.len() > 15 => None,
        _ => cell.iter().try_fold(0u64, |value, &b| {
            b.is_ascii_digit().then(|| value * 10 + u64::from(b - b'0'))
        }),
    }
}

/// Whole numbers (or [`MISSING_INT`]) as texts.
pub(crate) fn ints_to_text(values: &[u64]) -> (BlockDict, Vec<u32>) {
    let mut dict = BlockDict::new(false);
    let mut digits = [0u8; 20];
    let codes = values
        .iter()
        .map(|&value| {
            if value == MISSING_INT {
                return MISSING_TEXT;
            }
            dict.intern(decimal(value, &mut digits))
        })
        .collect();
    (dict, codes)
}

impl BlockColumn {
    /// A column for about `rows` rows, whose text (if any) was about `hint` (texts, bytes) in
    /// the last block.
    pub(crate) fn new(kind: Kind, rows: usize, hint: (usize, usize)) -> BlockColumn {
        match kind {
            Kind::Text => BlockColumn::Text {
                dict: BlockDict::with_capacity(false, hint.0, hint.1),
                codes: Vec::with_capacity(rows),
            },
            Kind::Guess => BlockColumn::Ints(Vec::with_capacity(rows)),
            Kind::Number => BlockColumn::Number(Vec::with_capacity(rows)),
            Kind::Bool => BlockColumn::Bool(Vec::with_capacity(rows)),
            Kind::Date => BlockColumn::Date(Vec::with_capacity(rows)),
        }
    }
}

impl Builder {
    pub(crate) fn new(kind: Option<FieldKind>) -> Builder {
        match kind {
            Some(FieldKind::Number) => Builder::Number(Vec::new()),
            Some(FieldKind::Bool) => Builder::Bool(Vec::new()),
            Some(FieldKind::Date) => Builder::Date(Vec::new()),
            Some(FieldKind::Text) => Builder::Text {
                dict: Vec::new(),
                index: Interner::new(),
                codes: Vec::new(),
                declared: true,
            },
            None => Builder::Ints(Vec::new()),
        }
    }

    pub(crate) fn kind(&self) -> Kind {
        match self {
            Builder::Ints(_) => Kind::Guess,
            Builder::Text { .. } => Kind::Text,
            Builder::Number(_) => Kind::Number,
            Builder::Bool(_) => Kind::Bool,
            Builder::Date(_) => Kind::Date,
        }
    }

    pub(crate) fn reserve(&mut self, additional: usize) {
        match self {
            Builder::Ints(values) => values.reserve(additional),
            Builder::Text { codes, .. } => codes.reserve(additional),
            Builder::Number(values) => values.reserve(additional),
            Builder::Bool(values) => values.reserve(additional),
            Builder::Date(values) => values.reserve(additional),
        }
    }

    pub(crate) fn append(&mut self, part: BlockColumn) {
        // Whole numbers meeting text become text.
        if let (Builder::Ints(values), BlockColumn::Text { .. }) = (&*self, &part) {
            let (dict, codes) = ints_to_text(values);
            let capacity = values.capacity();
            *self = Builder::Text {
                dict: Vec::new(),
                index: Interner::new(),
                codes: Vec::with_capacity(capacity),
                declared: false,
            };
            self.append(BlockColumn::Text { dict, codes });
        }
        let part = match (&*self, part) {
            (Builder::Text { .. }, BlockColumn::Ints(values)) => {
                let (dict, codes) = ints_to_text(&values);
                BlockColumn::Text { dict, codes }
            }
            (_, part) => part,
        };
        match (self, part) {
            (Builder::Ints(values), BlockColumn::Ints(part)) => values.extend_from_slice(&part),
            (
                Builder::Text {
                    dict, index, codes, ..
                },
                BlockColumn::Text {
                    dict: mut block_dict,
                    codes: block_codes,
                },
            ) => {
                let global = block_dict.merge_into(dict, index);
                codes.extend(
                    block_codes
                        .iter()
                        .map(|&code| global.get(code as usize).copied().unwrap_or(MISSING_TEXT)),
                );
            }
            (Builder::Number(values), BlockColumn::Number(part)) => values.extend_from_slice(&part),
            (Builder::Bool(values), BlockColumn::Bool(part)) => values.extend_from_slice(&part),
            (Builder::Date(values), BlockColumn::Date(part)) => values.extend_from_slice(&part),
            // Blocks are read with the builders' kinds, so the kinds always agree.
            _ => {}
        }
    }

    /// Finishes the column; an undeclared text column whose values are all numbers, all
    /// booleans or all dates becomes that type.
    pub(crate) fn finish(self) -> ColumnData {
        match self {
            // As `retype` would find: numbers, unless every cell is missing.
            Builder::Ints(values) if values.iter().all(|&v| v == MISSING_INT) => ColumnData::Text {
                dict: Vec::new(),
                codes: vec![MISSING_TEXT; values.len()],
            },
            Builder::Ints(values) => ColumnData::Number(
                values
                    .into_iter()
                    .map(|v| if v == MISSING_INT { f64::NAN } else { v as f64 })
                    .collect(),
            ),
            Builder::Text {
                dict,
                mut codes,
                declared,
                ..
            } => {
                if !declared
                    && !dict.is_empty()
                    && let Some(data) = retype(&dict, &codes)
                {
                    return data;
                }
                codes.shrink_to_fit();
                ColumnData::Text { dict, codes }
            }
            Builder::Number(mut values) => {
                values.shrink_to_fit();
                ColumnData::Number(values)
            }
            Builder::Bool(mut values) => {
                values.shrink_to_fit();
                ColumnData::Bool(values)
            }
            Builder::Date(mut values) => {
                values.shrink_to_fit();
                ColumnData::Date(values)
            }
        }
    }
}

/// Infers a type for an undeclared column from its distinct values.
fn retype(dict: &[String], codes: &[u32]) -> Option<ColumnData> {
    let decode = |values: Vec<f64>| -> Vec<f64> {
        codes
            .iter()
            .map(|&c| values.get(c as usize).copied().unwrap_or(f64::NAN))
            .collect()
    };
    if let Some(numbers) = dict
        .iter()
        .map(|v| parse_number(v))
        .collect::<Option<Vec<_>>>()
    {
        return Some(ColumnData::Number(decode(numbers)));
    }
    let is_bool_word = |v: &String| {
        let word = v.trim().as_bytes();
        [&b"true"[..], b"false", b"yes", b"no"]
            .iter()
            .any(|w| w.eq_ignore_ascii_case(word))
    };
    if dict.iter().all(is_bool_word) {
        let bools: Vec<u8> = dict
            .iter()
            .map(|v| parse_bool(v).map_or(MISSING_BOOL, u8::from))
            .collect();
        return Some(ColumnData::Bool(
            codes
                .iter()
                .map(|&c| bools.get(c as usize).copied().unwrap_or(MISSING_BOOL))
                .collect(),
        ));
    }
    let looks_like_date =
        |v: &String| v.len() >= 10 && matches!(v.as_bytes().get(4), Some(b'-' | b'/'));
    if dict.iter().all(looks_like_date) {
        let days = dict
            .iter()
            .map(|v| parse_day(v))
            .collect::<Option<Vec<_>>>()?;
        return Some(ColumnData::Date(
            codes
                .iter()
                .map(|&c| days.get(c as usize).copied().unwrap_or(MISSING_DATE))
                .collect(),
        ));
    }
    None
}

/// `value` in decimal, as `format!("{value}")` writes it, in `digits` (room for any `u64`).
/// By hand rather than with `write!`, whose `fmt::Result` has nothing to report for a buffer;
/// and this runs for every value of a column that turns out to be text.
fn decimal(mut value: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut start = digits.len();
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        start -= 1;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    digits.get(start..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::decimal;
    use crate::leads::csv::source::Input;
    use crate::leads::lead_file::read_leads;
    use crate::leads::{ColumnData, LoadOptions, MISSING_TEXT};

    #[test]
    fn decimals_are_formatted_numbers() {
        let mut digits = [0u8; 20];
        for value in [
            0,
            1,
            9,
            10,
            42,
            100,
            999_999_999_999_999,
            u64::MAX - 1,
            u64::MAX,
        ] {
            assert_eq!(decimal(value, &mut digits), format!("{value}").as_bytes());
        }
        let mut rng = fastrand::Rng::with_seed(5);
        for _ in 0..10_000 {
            let value = rng.u64(..) >> rng.u32(0..64);
            assert_eq!(decimal(value, &mut digits), format!("{value}").as_bytes());
        }
    }

    #[test]
    fn undeclared_whole_numbers_stay_text_next_to_other_text() {
        for block_size in [1, 2, 3, 5, 8, 13, 1 << 20] {
            let read = |csv: &[u8]| {
                let options = LoadOptions::default();
                let (set, _) = read_leads(Input::Bytes(csv), "leads.csv", &options, block_size)
                    .expect("leads");
                set.columns
                    .into_iter()
                    .nth(1)
                    .expect("a second column")
                    .data
            };
            assert_eq!(
                read(b"id,c\nL1,1\nL2,22\nL3,\nL4,007\nL5,x\nL6,3\nL7,22\n"),
                ColumnData::Text {
                    dict: ["1", "22", "007", "x", "3"].map(String::from).to_vec(),
                    codes: vec![0, 1, MISSING_TEXT, 2, 3, 4, 1],
                },
                "blocks of {block_size}"
            );
            let ColumnData::Number(numbers) = read(b"id,c\nL1, 10 \nL2,\nL3,0\n") else {
                panic!("a number column");
            };
            assert_eq!(numbers.len(), 3);
            assert_eq!((numbers[0], numbers[2]), (10.0, 0.0));
            assert!(numbers[1].is_nan());
            assert_eq!(
                read(b"id,c\nL1,\nL2, \n"),
                ColumnData::Text {
                    dict: Vec::new(),
                    codes: vec![MISSING_TEXT; 2],
                }
            );
            assert_eq!(
                read(b"id,c\nL1,1\nL2,yes\n"),
                ColumnData::Text {
                    dict: ["1", "yes"].map(String::from).to_vec(),
                    codes: vec![0, 1],
                }
            );
        }
    }
}
