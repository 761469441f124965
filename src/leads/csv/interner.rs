//! Hash tables for distinct texts: [`Interner`], an open-addressing index from hashes to codes
//! (the merged dictionary of a column, activity names, and the event reader's lead ids), and
//! [`BlockDict`], one block's distinct texts, merged into a column's dictionary in file order.
//! Short texts are hashed and compared as words, which is most cells of a CRM export.

use super::tokenizer::text_of;

/// An open-addressing index from keys (kept by its owner) to their codes, numbered in order of
/// insertion.
pub(crate) struct Interner {
    /// `code + 1` in the low half (0 for an empty slot), the hash's high half above.
    slots: Vec<u64>,
    /// Per code.
    hashes: Vec<u64>,
}

impl Interner {
    pub(crate) fn new() -> Interner {
        Interner::with_capacity(0)
    }

    /// Room for `keys` keys without growing.
    fn with_capacity(keys: usize) -> Interner {
        Interner {
            slots: vec![0; Self::size_for(keys)],
            hashes: Vec::with_capacity(keys),
        }
    }

    fn size_for(keys: usize) -> usize {
        (keys / 7 * 10 + 16).next_power_of_two()
    }

    /// Makes room for `keys` keys in all.
    pub(crate) fn reserve(&mut self, keys: usize) {
        if Self::size_for(keys) > self.slots.len() {
            self.hashes.reserve(keys.saturating_sub(self.hashes.len()));
            self.rehash(Self::size_for(keys));
        }
    }

    fn rehash(&mut self, size: usize) {
        let mask = size - 1;
        let mut slots = vec![0u64; size];
        for (code, &hash) in self.hashes.iter().enumerate() {
            let mut i = Self::home(hash, mask);
            while slots[i] != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = Self::pack(hash, code as u32);
        }
        self.slots = slots;
    }

    pub(crate) fn home(hash: u64, mask: usize) -> usize {
        (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask
    }

    pub(crate) fn pack(hash: u64, code: u32) -> u64 {
        (hash & 0xFFFF_FFFF_0000_0000) | (u64::from(code) + 1)
    }

    /// The code of the key with `hash` for which `same` holds, or the slot to insert it at.
    fn find(&self, hash: u64, mut same: impl FnMut(u32) -> bool) -> Result<u32, usize> {
        let mask = self.slots.len() - 1;
        let mut i = Self::home(hash, mask);
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                return Err(i);
            }
            let code = (slot & 0xFFFF_FFFF) as u32 - 1;
            if (slot ^ hash) >> 32 == 0 && same(code) {
                return Ok(code);
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds a key at the slot `find` gave; returns its code.
    fn insert(&mut self, slot: usize, hash: u64) -> u32 {
        let code = self.hashes.len() as u32;
        self.hashes.push(hash);
        self.slots[slot] = Self::pack(hash, code);
        if self.hashes.len() * 10 > self.slots.len() * 7 {
            self.rehash(self.slots.len() * 2);
        }
        code
    }

    /// Reads the home slots of `hashes`, so that looking them up next finds them in cache.
    fn touch(&self, hashes: &[u64]) {
        if self.slots.len() >= 1 << 16 {
            let mask = self.slots.len() - 1;
            let sum = hashes
                .iter()
                .fold(0u64, |sum, &hash| sum ^ self.slots[Self::home(hash, mask)]);
            std::hint::black_box(sum);
        }
    }
}

/// Up to 8 bytes as a number (little-endian, the rest zero).
#[inline]
fn padded_word(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let four = |at: usize| {
        bytes
            .get(at..at + 4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map_or(0, |b| u64::from(u32::from_le_bytes(b)))
    };
    let byte = |at: usize| bytes.get(at).copied().map_or(0, u64::from);
    match n {
        0 => 0,
        1..=3 => byte(0) | byte(1) << 8 | byte(2) << 16,
        // Two overlapping reads; the overlap agrees.
        4..=8 => four(0) | four(n - 4) << ((n - 4) * 8),
        _ => 0,
    }
}

/// A text of 1 to 7 bytes as one number (its bytes, and its length in the top byte); never 0.
#[inline]
fn short_key(bytes: &[u8]) -> Option<u64> {
    matches!(bytes.len(), 1..=7).then(|| padded_word(bytes) | (bytes.len() as u64) << 56)
}

/// Up to 24 bytes as numbers, exactly.
#[inline]
fn raw_key(bytes: &[u8]) -> Option<[u64; 4]> {
    let n = bytes.len();
    let eight = |at: usize| {
        bytes
            .get(at..at + 8)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map_or(0, u64::from_le_bytes)
    };
    match n {
        0..=8 => Some([padded_word(bytes), 0, 0, n as u64]),
        9..=16 => Some([eight(0), eight(n - 8), 0, n as u64]),
        17..=24 => Some([eight(0), eight(8), eight(n - 8), n as u64]),
        _ => None,
    }
}

#[inline]
fn mix(word: u64) -> u64 {
    let mut h = word.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^= h >> 29;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^ h >> 32
}

/// A hash of a text: for up to 8 bytes a quick mix of them ([`short_key`] for up to 7),
/// else FxHash.
#[inline]
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    if let Some(key) = short_key(bytes) {
        return mix(key);
    }
    match bytes.len() {
        0 => mix(0),
        8 => mix(padded_word(bytes) ^ 0x5555_5555_5555_5555),
        _ => {
            use std::hash::Hasher;
            let mut hasher = rustc_hash::FxHasher::default();
            hasher.write(bytes);
            hasher.finish()
        }
    }
}

/// `a == b`, inline for short texts.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let eight = |s: &[u8], at: usize| s.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok());
    match n {
        0..=7 => a.iter().zip(b).all(|(x, y)| x == y),
        8..=16 => eight(a, 0) == eight(b, 0) && eight(a, n - 8) == eight(b, n - 8),
        _ => a == b,
    }
}

/// Distinct texts of a block, in order of first appearance; with `fold`, texts that differ
/// only in ASCII case are one (under their first spelling).
pub(crate) struct BlockDict {
    pub(crate) bytes: Vec<u8>,
    /// Where each text ends in `bytes` (it starts where the one before ends).
    ends: Vec<usize>,
    index: Interner,
    fold: bool,
    folded: Vec<u8>,
    /// Per text, its [`short_key`] (0 for a longer text).
    shorts: Vec<u64>,
    /// With `fold`: recent spellings (of up to 24 bytes, exactly) and their codes, so that
    /// most texts are not folded.
    recent: Vec<([u64; 4], u32)>,
    /// The texts as strings, when made ahead (for columns of mostly distinct values, whose
    /// texts are mostly new to the merge).
    strings: Vec<String>,
}

impl BlockDict {
    pub(crate) fn new(fold: bool) -> BlockDict {
        BlockDict::with_capacity(fold, 0, 0)
    }

    pub(crate) fn with_capacity(fold: bool, texts: usize, bytes: usize) -> BlockDict {
        BlockDict {
            bytes: Vec::with_capacity(bytes),
            ends: Vec::with_capacity(texts),
            index: Interner::with_capacity(texts),
            fold,
            folded: Vec::new(),
            shorts: Vec::with_capacity(texts),
            strings: Vec::new(),
            recent: if fold {
                vec![([0; 4], u32::MAX); 16]
            } else {
                Vec::new()
            },
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, code: usize) -> &[u8] {
        let start = match code.checked_sub(1) {
            Some(before) => self.ends.get(before).copied().unwrap_or_default(),
            None => 0,
        };
        let end = self.ends.get(code).copied().unwrap_or_default();
        self.bytes.get(start..end).unwrap_or_default()
    }

    pub(crate) fn intern(&mut self, key: &[u8]) -> u32 {
        if !self.fold {
            if let Some(short) = short_key(key) {
                let shorts = &self.shorts;
                let hash = mix(short);
                let found = self
                    .index
                    .find(hash, |code| shorts.get(code as usize) == Some(&short));
                return match found {
                    Ok(code) => code,
                    Err(slot) => self.insert(key, slot, hash, short),
                };
            }
            let hash = hash_bytes(key);
            return self.intern_hashed(key, hash);
        }
        let raw = raw_key(key);
        let recent = raw.map(|[a, b, c, n]| {
            (mix(a ^ b.rotate_left(21) ^ c.rotate_left(42) ^ n) >> 60) as usize
        });
        if let (Some(raw), Some(recent)) = (raw, recent)
            && let Some(&(known, code)) = self.recent.get(recent)
            && known == raw
        {
            return code;
        }
        self.folded.clear();
        self.folded.extend_from_slice(key);
        self.folded.make_ascii_lowercase();
        let hash = hash_bytes(&self.folded);
        let code = self.intern_hashed(key, hash);
        if let (Some(raw), Some(recent)) = (raw, recent)
            && let Some(slot) = self.recent.get_mut(recent)
        {
            *slot = (raw, code);
        }
        code
    }

    /// Makes the texts' strings now (on a parsing thread) rather than in the merge.
    pub(crate) fn make_strings(&mut self) {
        self.strings = (0..self.len())
            .map(|code| text_of(self.get(code)))
            .collect();
    }

    fn insert(&mut self, key: &[u8], slot: usize, hash: u64, short: u64) -> u32 {
        self.bytes.extend_from_slice(key);
        self.ends.push(self.bytes.len());
        self.shorts.push(short);
        self.index.insert(slot, hash)
    }

    fn intern_hashed(&mut self, key: &[u8], hash: u64) -> u32 {
        let (bytes, ends, fold) = (&self.bytes, &self.ends, self.fold);
        let found = self.index.find(hash, |code| {
            let start = match (code as usize).checked_sub(1) {
                Some(before) => ends.get(before).copied().unwrap_or_default(),
                None => 0,
            };
            let end = ends.get(code as usize).copied().unwrap_or_default();
            let known = bytes.get(start..end).unwrap_or_default();
            if fold {
                known.eq_ignore_ascii_case(key)
            } else {
                same_bytes(known, key)
            }
        });
        match found {
            Ok(code) => code,
            Err(slot) => self.insert(key, slot, hash, 0),
        }
    }

    /// The codes of this block's texts in `dict` (adding the new ones), whose index is `index`.
    pub(crate) fn merge_into(&mut self, dict: &mut Vec<String>, index: &mut Interner) -> Vec<u32> {
        const BATCH: usize = 16;
        let mut codes = Vec::with_capacity(self.len());
        let mut strings = std::mem::take(&mut self.strings).into_iter();
        let hashes = self.index.hashes.as_slice();
        for (batch, batch_hashes) in hashes.chunks(BATCH).enumerate() {
            // A big index is mostly out of cache: fetch the batch's slots together first.
            index.touch(batch_hashes);
            for (i, &hash) in batch_hashes.iter().enumerate() {
                let key = self.get(batch * BATCH + i);
                let found = index.find(hash, |known| {
                    let known = dict.get(known as usize).map_or(&[][..], |s| s.as_bytes());
                    if self.fold {
                        known.eq_ignore_ascii_case(key)
                    } else {
                        same_bytes(known, key)
                    }
                });
                let made = strings.next();
                codes.push(match found {
                    Ok(code) => code,
                    Err(slot) => {
                        dict.push(made.unwrap_or_else(|| text_of(key)));
                        index.insert(slot, hash)
                    }
                });
            }
        }
        codes
    }
}
