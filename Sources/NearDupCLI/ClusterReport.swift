import NearDupCore

/// The human-readable summary `neardup cluster` prints.
struct ClusterReport {
  let result: ClusterResult
  /// How many clusters to list.
  let clusterLimit: Int
  /// How many members to list per cluster.
  let memberLimit: Int

  var text: String {
    let statistics = result.statistics
    let configuration = result.configuration
    let times = statistics.times
    let total = times.total
    let documentsPerSecond = total > 0 ? Double(statistics.documents) / total : 0
    let megabytesPerSecond = total > 0 ? Double(statistics.bytesRead) / 1e6 / total : 0
    var lines: [String] = []
    lines.append(
      "NearDup clustered \(Format.count(statistics.documents)) documents (\(Format.megabytes(statistics.bytesRead))) in "
        + "\(Format.seconds(total)): \(Format.count(Int(documentsPerSecond))) docs/s, "
        + "\(Format.fixed(megabytesPerSecond, 1)) MB/s on \(statistics.threads) thread\(statistics.threads == 1 ? "" : "s")"
    )
    lines.append("")
    lines.append(
      "Documents   \(Format.count(statistics.documents)) read, \(Format.count(statistics.skippedRecords)) skipped, "
        + "\(Format.count(statistics.emptyDocuments)) empty, \(Format.count(statistics.invalidUTF8Documents)) with invalid UTF-8"
    )
    lines.append(
      "Clusters    \(Format.plural(result.clusters.count, "cluster")) "
        + "\(result.clusters.count == 1 ? "holds" : "hold") \(Format.plural(result.clusteredDocumentCount, "document")); "
        + "deduplication removes \(Format.count(result.duplicateCount))")
    lines.append(
      "Identical   \(Format.count(statistics.identicalDuplicates)) documents repeat an earlier normalized text exactly")
    lines.append(
      "Settings    linkage \(configuration.linkage.rawValue), cleaning \(configuration.sketch.cleaning.argumentText), boilerplate "
        + (configuration.boilerplateShare.map {
          "shingles in ≥ \(Format.fixed($0 * 100, 1)) % of \(Format.count(min(configuration.boilerplateSample, statistics.documents))) sampled documents "
            + "(\(Format.count(statistics.boilerplateShingles)) dropped)"
        } ?? "filter off"))
    let lsh = result.lsh
    let target = configuration.candidateThreshold
    let measureText =
      configuration.measure == .jaccard
      ? "Jaccard ≥ \(Format.fixed(configuration.threshold, 2))"
      : "Jaccard ≥ \(Format.fixed(target, 2)) (containment ≥ \(Format.fixed(configuration.threshold, 2)) "
        + "at size ratio ≤ \(Format.fixed(ClusterConfiguration.containmentSizeRatio, 0)))"
    lines.append(
      "LSH         \(lsh.bands) bands × \(lsh.rows) rows (\(lsh.bands * lsh.rows) of \(configuration.sketch.permutationCount) slots) "
        + "for \(measureText)")
    let gaps = result.gapBandings
    if !gaps.isEmpty {
      lines.append(
        "            size gaps: "
          + gaps.map { "\($0.gap): \($0.lsh.bands)×\($0.lsh.rows)" }.joined(separator: ", ")
          + " (pairs up to \(1 << (gaps.last!.gap + 1))× apart in size)")
    }
    lines.append(
      "            expected recall at \(Format.fixed(target, 2)): \(Format.fixed(lsh.probability(target), 4)), "
        + "false-positive rate at \(Format.fixed(max(0, target - 0.1), 2)): \(Format.fixed(lsh.probability(max(0, target - 0.1)), 4))"
    )
    lines.append(
      "Pairs       \(Format.count(statistics.candidatePairs)) candidates, \(Format.count(statistics.verifiedPairs)) verified "
        + "(\(configuration.verification.rawValue) \(configuration.measure.rawValue) ≥ \(Format.fixed(configuration.threshold, 2)))"
    )
    let thread = statistics.threadTimes
    lines.append(
      "Time        boilerplate \(Format.seconds(times.boilerplate)) · read and sketch \(Format.seconds(times.front))"
        + " · group \(Format.seconds(times.group))"
        + " · candidates \(Format.seconds(times.candidates)) · verify \(Format.seconds(times.verify))"
        + " · cluster \(Format.seconds(times.cluster))")
    lines.append(
      "            thread time: read \(Format.seconds(thread.read)) · parse \(Format.seconds(thread.parse))"
        + " · tokenize \(Format.seconds(thread.tokenize)) · fingerprint \(Format.seconds(thread.fingerprint))"
        + " · sketch \(Format.seconds(thread.sketch))")
    for message in statistics.skippedMessages { lines.append("Skipped     \(message)") }
    if statistics.skippedRecords > statistics.skippedMessages.count {
      lines.append(
        "Skipped     … and \(Format.count(statistics.skippedRecords - statistics.skippedMessages.count)) more")
    }
    if statistics.emptyDocuments > 0 {
      lines.append("Empty       " + listed(statistics.emptyDocumentIDs, total: statistics.emptyDocuments))
    }
    if statistics.invalidUTF8Documents > 0 {
      lines.append(
        "Warning     invalid UTF-8 read as U+FFFD in "
          + listed(statistics.invalidUTF8DocumentIDs, total: statistics.invalidUTF8Documents))
    }
    if !result.clusters.isEmpty {
      lines.append("")
      lines.append("Largest clusters")
      let ids = result.documents.ids
      let previews = result.documents.previews
      for (index, cluster) in result.clusters.prefix(clusterLimit).enumerated() {
        lines.append("  #\(index + 1)  \(cluster.size) documents, representative \(ids[cluster.representative])")
        let idWidth = min(40, cluster.members.prefix(memberLimit).map { ids[$0.document].count }.max() ?? 0)
        for member in cluster.members.prefix(memberLimit) {
          lines.append(
            "      \(Format.padded(ids[member.document], idWidth))  \(Format.fixed(member.similarity, 3))  "
              + previews[member.document].prefix(60))
        }
        if cluster.size > memberLimit { lines.append("      … and \(cluster.size - memberLimit) more") }
      }
      if result.clusters.count > clusterLimit {
        lines.append("  … and \(Format.count(result.clusters.count - clusterLimit)) more clusters")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private func listed(_ ids: [String], total: Int) -> String {
    let shown = ids.map { "\"\($0)\"" }.joined(separator: ", ")
    return "\(Format.count(total)) document\(total == 1 ? "" : "s"): \(shown)\(total > ids.count ? ", …" : "")"
  }

  /// The report as one JSON object (`ClusterReportJSON`), for scripts and `neardup bench`.
  var json: String {
    // Encoding plain counts, strings and finite numbers cannot fail.
    let data = try! ClusterReportJSON.encoder.encode(ClusterReportJSON(result))
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
