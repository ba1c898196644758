/// File formats for clusters.
package enum ClusterOutputFormat: String, Sendable, CaseIterable {
  /// One JSON object per cluster:
  /// `{"cluster": 1, "size": 3, "representative": "ID", "members": [{"id": "ID", "similarity": 0.93}, …]}`.
  case jsonl
  /// One row per member: `cluster,id,similarity,representative`, with a header row.
  case csv
}

/// Writes a `ClusterResult` in NearDup's output formats.
///
/// Every writer emits bytes that depend only on the result, never on thread count or
/// timing. Clusters come largest first, then by representative id; singletons (when
/// asked for) follow in input order, numbered after the clusters.
package enum ResultWriter {
  /// Writes the clusters (and optionally singletons) to `file`.
  /// - Complexity: O(N) lines.
  public static func writeClusters(
    _ result: ClusterResult, format: ClusterOutputFormat, includeSingletons: Bool, to file: OutputFile
  ) throws(OutputError) {
    let ids = result.documents.ids
    var line: [UInt8] = []
    if format == .csv { try file.write("cluster,id,similarity,representative\n") }
    var number = 0
    func emit(_ members: [Cluster.Member]) throws(OutputError) {
      number += 1
      line.removeAll(keepingCapacity: true)
      let representative = ids[members[0].document]
      switch format {
      case .jsonl:
        line.append(contentsOf: "{\"cluster\": \(number), \"size\": \(members.count), \"representative\": ".utf8)
        appendJSONString(representative, to: &line)
        line.append(contentsOf: ", \"members\": [".utf8)
        for (index, member) in members.enumerated() {
          if index > 0 { line.append(contentsOf: ", ".utf8) }
          line.append(contentsOf: "{\"id\": ".utf8)
          appendJSONString(ids[member.document], to: &line)
          line.append(contentsOf: ", \"similarity\": ".utf8)
          appendSimilarity(member.similarity, to: &line)
          line.append(UInt8(ascii: "}"))
        }
        line.append(contentsOf: "]}\n".utf8)
      case .csv:
        for member in members {
          line.append(contentsOf: "\(number),".utf8)
          appendCSVField(ids[member.document], to: &line)
          line.append(UInt8(ascii: ","))
          appendSimilarity(member.similarity, to: &line)
          line.append(UInt8(ascii: ","))
          appendCSVField(representative, to: &line)
          line.append(0x0A)
        }
      }
      try file.write(line)
    }
    for cluster in result.clusters { try emit(cluster.members) }
    if includeSingletons {
      for document in result.singletons { try emit([Cluster.Member(document: document, similarity: 1)]) }
    }
  }

  /// Writes one line per edge: `{"a": "ID", "b": "ID", "similarity": 0.87}`, where a
  /// comes before b in the input; with a measure other than Jaccard, the pair's
  /// Jaccard similarity follows as `"jaccard"`. A document whose normalized text repeats an earlier
  /// one exactly is listed once, against the first occurrence, marked
  /// `"identical": true`; the pairs among such copies follow from those lines.
  /// - Complexity: O(E).
  public static func writePairs(_ pairs: PairList, to file: OutputFile) throws(OutputError) {
    let ids = pairs.ids
    let canonical = pairs.canonicalDocuments
    var line: [UInt8] = []
    for edge in pairs.edges {
      line.removeAll(keepingCapacity: true)
      line.append(contentsOf: "{\"a\": ".utf8)
      appendJSONString(ids[Int(edge.a)], to: &line)
      line.append(contentsOf: ", \"b\": ".utf8)
      appendJSONString(ids[Int(edge.b)], to: &line)
      line.append(contentsOf: ", \"similarity\": ".utf8)
      appendSimilarity(edge.similarity, to: &line)
      if pairs.measure != .jaccard {
        line.append(contentsOf: ", \"jaccard\": ".utf8)
        appendSimilarity(edge.jaccard, to: &line)
      }
      if canonical[Int(edge.b)] == edge.a { line.append(contentsOf: ", \"identical\": true".utf8) }
      line.append(contentsOf: "}\n".utf8)
      try file.write(line)
    }
  }

  /// Reads the corpus a second time and writes every record a deduplicated copy
  /// keeps — all but the non-representative members of clusters — unchanged and in
  /// input order (see `DocumentBatch.records` for documents that were not lines).
  ///
  /// - Parameters:
  ///   - result: The clustering of this corpus.
  ///   - reader: A fresh reader over the same inputs, made with `keepsRecords`.
  ///   - file: The destination.
  /// - Throws: `CorpusError` when the input changed since the first pass, or
  ///   `OutputError`.
  /// - Complexity: O(bytes of input).
  public static func writeDeduplicated(_ result: ClusterResult, reader: CorpusReader, to file: OutputFile) throws {
    precondition(reader.keepsRecords, "the reader must keep records to write a deduplicated copy")
    let kept = result.keptDocuments
    let ids = result.documents.ids
    var batch = DocumentBatch()
    var document = 0
    while try reader.read(into: &batch, maximumDocuments: 4096) {
      for index in 0..<batch.count {
        guard document < ids.count, batch.ids[index] == ids[document] else {
          throw CorpusError.malformedLine(
            path: reader.path(of: batch.locations[index]), line: Int(batch.locations[index].line),
            reason:
              "input changed since it was clustered (expected document \"\(document < ids.count ? ids[document] : "")\")"
          )
        }
        if kept[document] {
          try batch.records.withUnsafeBufferPointer { records in
            try file.write(UnsafeBufferPointer(rebasing: records[batch.recordRange(of: index)]))
          }
          try file.write([0x0A])
        }
        document += 1
      }
    }
  }

  /// Appends a CSV field (RFC 4180), quoted when it holds a comma, quote or line break.
  static func appendCSVField(_ field: String, to out: inout [UInt8]) {
    let needsQuotes = field.utf8.contains {
      $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D
    }
    guard needsQuotes else {
      out.append(contentsOf: field.utf8)
      return
    }
    out.append(UInt8(ascii: "\""))
    for byte in field.utf8 {
      if byte == UInt8(ascii: "\"") { out.append(UInt8(ascii: "\"")) }
      out.append(byte)
    }
    out.append(UInt8(ascii: "\""))
  }
}
