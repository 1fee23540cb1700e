//! Hash maps for keys the user's own files and git supply (ids, paths,
//! blob ids, field names): hash flooding is not a concern there, SipHash's
//! cost on tens of thousands of keys is. A fixed seed keeps runs
//! reproducible.

pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
pub type HashSet<K> = std::collections::HashSet<K, foldhash::fast::FixedState>;
