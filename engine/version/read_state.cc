#include "engine/version/read_state.h"

#include "engine/mvcc/internal_key.h"
#include "engine/mvcc/merging_iterator.h"

namespace infinitedb {

mvcc::SnapshotReader::SourceFactory SourcesFor(
    std::shared_ptr<const ReadState> state, uint32_t space_id) {
  return [state = std::move(state), space_id](
             uint32_t branch_id, const mvcc::SnapshotReader::SourceHint& hint)
             -> std::unique_ptr<mvcc::VersionIterator> {
    const Box* box = hint.box;
    std::vector<std::unique_ptr<mvcc::VersionIterator>> children;
    if (state->active->entry_count() > 0) {
      children.push_back(state->active->NewIterator());
    }
    for (const FrozenMemTable& frozen : state->frozen) {
      children.push_back(frozen.table->NewIterator());
    }
    auto segments = state->segments.find(space_id);
    if (segments != state->segments.end()) {
      char prefix[mvcc::kKeyPrefixBytes];
      mvcc::EncodeKeyPrefix(branch_id, space_id, prefix);
      for (const auto& segment : segments->second) {
        // One address: its blocks by key; else those the R-tree finds.
        std::vector<uint32_t> candidates =
            hint.first_key.empty()
                ? segment->CandidateBlocks(
                      std::string_view(prefix, mvcc::kKeyPrefixBytes), box,
                      hint.newer_than)
                : segment->BlocksInKeyRange(hint.first_key, hint.last_key);
        if (!candidates.empty()) {
          children.push_back(segment->NewIterator(
              std::move(candidates),
              box ? std::optional<Box>(*box) : std::nullopt));
        }
      }
    }
    if (children.empty()) {
      return std::make_unique<mvcc::MergingIterator>(std::move(children));
    }
    if (children.size() == 1) return std::move(children[0]);
    return std::make_unique<mvcc::MergingIterator>(std::move(children));
  };
}

}  // namespace infinitedb
