extension CorpusInput {
  /// The inputs for paths as a user names them: each resolved with
  /// `resolve(_:options:)`; a directory that holds JSON Lines shards (`.jsonl`,
  /// `.ndjson`, maybe `.gz`) is read as those shards in bytewise order, its text
  /// files then not being documents; a directory without shards is a directory of
  /// text documents.
  /// - Parameter ignoredTextFiles: Called with a directory read as shards and the
  ///   text files it holds besides them, so that a caller can say they were left out.
  /// - Throws: `CorpusError` for a path that does not exist or cannot be read.
  package static func resolveAll(
    _ paths: [String], options: CorpusOptions, ignoredTextFiles: ((String, [String]) -> Void)? = nil
  ) throws(CorpusError) -> [CorpusInput] {
    var inputs: [CorpusInput] = []
    for path in paths {
      let input = try resolve(path, options: options)
      guard input.kind == .directory, !options.linesAreDocuments else {
        inputs.append(input)
        continue
      }
      var (shards, textFiles, skipped) = try input.directoryListing(skippingUnreadable: options.skipsInvalidRecords)
      guard !shards.isEmpty else {
        inputs.append(input)
        continue
      }
      shards[0].skippedEntries = skipped
      if !textFiles.isEmpty { ignoredTextFiles?(path, textFiles) }
      inputs += shards
    }
    return inputs
  }
}
