//! Recently shown images by URL, so scrolling back through a conversation does not fetch again:
//! an [`lru::LruCache`] bounded by count, and by the bytes of its `data:` URLs on top; the least
//! recently used go first until it is under both.

use std::num::NonZeroUsize;
use std::sync::Mutex;

use lru::LruCache;

use super::ImageData;

/// The cache keeps at most this many images…
const CACHE_ENTRIES: usize = 64;
/// …and at most this many bytes of `data:` URLs.
const CACHE_BYTES: usize = 24 * 1024 * 1024;

/// Recently shown images by URL, bounded by count and by size; the least recently used go first.
pub struct Cache {
    inner: Mutex<Inner>,
    max_entries: usize,
    max_bytes: usize,
}

struct Inner {
    entries: LruCache<String, ImageData>,
    /// The bytes of the `data:` URLs in `entries`.
    bytes: usize,
}

impl Default for Cache {
    fn default() -> Self {
        Cache::with_limits(CACHE_ENTRIES, CACHE_BYTES)
    }
}

impl Cache {
    pub fn with_limits(max_entries: usize, max_bytes: usize) -> Cache {
        let capacity = NonZeroUsize::new(max_entries).unwrap_or(NonZeroUsize::MIN);
        Cache { inner: Mutex::new(Inner { entries: LruCache::new(capacity), bytes: 0 }), max_entries, max_bytes }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The image, now the most recently used.
    pub fn get(&self, url: &str) -> Option<ImageData> {
        self.inner().entries.get(url).cloned()
    }

    /// Keeps `data` (unless it alone is over the size limit), dropping the least recently used to
    /// make room.
    pub fn put(&self, url: &str, data: ImageData) {
        if data.data_url.len() > self.max_bytes || self.max_entries == 0 {
            return;
        }
        let mut guard = self.inner();
        let inner = &mut *guard;
        inner.bytes += data.data_url.len();
        // The same URL's old entry, or the least recently used one when the count is full.
        if let Some((_, old)) = inner.entries.push(url.to_owned(), data) {
            inner.bytes -= old.data_url.len();
        }
        while inner.bytes > self.max_bytes {
            match inner.entries.pop_lru() {
                Some((_, old)) => inner.bytes -= old.data_url.len(),
                None => break,
            }
        }
    }

    pub fn len(&self) -> usize {
        self.inner().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(n: usize, bytes: usize) -> ImageData {
        ImageData {
            data_url: format!("data:image/png;base64,{}", "A".repeat(bytes)),
            mime: "image/png",
            width: Some(n as u32),
            height: None,
        }
    }

    #[test]
    fn the_cache_is_bounded_by_count_and_keeps_the_recently_used() {
        let cache = Cache::with_limits(3, 1 << 20);
        for n in 0..3 {
            cache.put(&format!("u{n}"), image(n, 10));
        }
        assert!(cache.get("u0").is_some(), "u0 is now the most recently used");
        cache.put("u3", image(3, 10));
        assert_eq!(cache.len(), 3);
        assert!(cache.get("u1").is_none(), "the least recently used went first");
        assert!(cache.get("u0").is_some() && cache.get("u2").is_some() && cache.get("u3").is_some());
        cache.put("u3", image(33, 10));
        assert_eq!(cache.len(), 3, "the same URL is kept once");
        assert_eq!(cache.get("u3").unwrap().width, Some(33));
    }

    #[test]
    fn the_cache_is_bounded_by_size() {
        let overhead = image(0, 0).data_url.len();
        let cache = Cache::with_limits(100, 3 * (overhead + 100));
        for n in 0..5 {
            cache.put(&format!("u{n}"), image(n, 100));
        }
        assert_eq!(cache.len(), 3);
        assert!(cache.get("u0").is_none() && cache.get("u4").is_some());
        cache.put("big", image(9, 4 * (overhead + 100)));
        assert!(cache.get("big").is_none(), "an image bigger than the whole cache is not kept");
        assert_eq!(cache.len(), 3, "and does not evict the others");
    }

    #[test]
    fn replacing_an_image_counts_its_bytes_once() {
        let overhead = image(0, 0).data_url.len();
        let cache = Cache::with_limits(10, 2 * (overhead + 100));
        cache.put("u0", image(0, 100));
        for n in 0..5 {
            cache.put("u1", image(n, 100));
        }
        assert_eq!(cache.len(), 2, "the old copies of u1 no longer count");
        assert!(cache.get("u0").is_some());
    }

    #[test]
    fn a_cache_of_no_entries_keeps_nothing() {
        let cache = Cache::with_limits(0, 1 << 20);
        cache.put("u0", image(0, 10));
        assert!(cache.is_empty());
    }
}
