/// The whole clustering pipeline: read → normalize and tokenize → shingle and
/// fingerprint → MinHash (`CorpusSketcher`) → group identical texts → LSH candidates →
/// verify → union-find clusters.
///
/// Documents stream through in batches and only a `SketchedCorpus` stays behind.
/// Candidates come from the bands in parallel and verification from parallel chunks
/// of candidates.
///
/// `DocumentClusterer` is the library's entry point over it; the command-line tool
/// uses it directly, for the pair file written while the clusters form and for
/// corpora sketched from an index.
///
/// ```swift
/// let pipeline = ClusterPipeline(configuration: try ClusterConfiguration(threshold: 0.8))
/// let result = try pipeline.run(reader: CorpusReader(inputs: inputs, options: options))
/// ```
///
/// - Invariant: the result is identical for every thread count and batch size.
/// - Complexity: O(B + N·s·k) to sketch N documents of B bytes and s shingles, plus
///   banding O(b·N log N), verification O(C·s) for C candidates, clustering
///   O(N + E α(N)). Memory: O(N·(k + s)) for signatures and fingerprint sets.
package final class ClusterPipeline {
  /// The run's configuration.
  package let configuration: ClusterConfiguration

  /// Creates a pipeline.
  package init(configuration: ClusterConfiguration) {
    self.configuration = configuration
  }

  /// Reads every document from `reader` and clusters them.
  /// - Parameters:
  ///   - progress: Called on the calling thread after each batch and stage.
  ///   - pairsReady: See `cluster(_:progress:pairsReady:)`.
  /// - Throws: `CorpusError` from reading; `.noDocuments` when there are none.
  ///
  /// With a boilerplate filter, the boilerplate is learned from the first documents
  /// as they are read (see `CorpusSketcher`); every document is read once.
  package func run(
    reader: CorpusReader, progress: ((PipelineProgress) -> Void)? = nil, pairsReady: ((PairList) -> Void)? = nil
  ) throws(CorpusError) -> ClusterResult {
    cluster(try makeSketcher().sketch(reader: reader, progress: progress), progress: progress, pairsReady: pairsReady)
  }

  /// Clusters documents given in memory; for callers that hold their documents
  /// already.
  /// - Parameter progress: Called on the calling thread as each stage after
  ///   sketching starts, and when the run is done.
  /// - Precondition: ids are unique.
  /// - Note: The boilerplate filter, when configured, learns from these documents.
  package func run(documents records: [Document], progress: ((PipelineProgress) -> Void)? = nil) -> ClusterResult {
    cluster(makeSketcher().sketch(documents: records), progress: progress)
  }

  private func makeSketcher() -> CorpusSketcher {
    CorpusSketcher(
      parameters: configuration.sketch, threads: configuration.threads, batchSize: configuration.batchSize,
      retention: configuration.verification == .exact || configuration.keepsDigestSets ? .digests : .signaturesOnly,
      boilerplate: configuration.boilerplateShare.map {
        BoilerplateLearning(share: $0, sampleSize: configuration.boilerplateSample)
      }, keepsPreviews: configuration.keepsPreviews)
  }

  /// Clusters an already sketched corpus (from a reader, or from an index).
  /// - Parameter pairsReady: Called with the result's pairs as soon as they are
  ///   known, on another thread while the clusters form (with more than one thread),
  ///   so that writing them overlaps that stage; the call returns after it returns.
  /// - Precondition: the corpus was sketched with `configuration.sketch`, and keeps
  ///   fingerprint sets if verification is exact.
  package func cluster(
    _ corpus: SketchedCorpus, progress: ((PipelineProgress) -> Void)? = nil, pairsReady: ((PairList) -> Void)? = nil
  ) -> ClusterResult {
    precondition(
      configuration.verification == .signature || corpus.digests != nil,
      "exact verification needs the corpus's digest sets")
    let started = Stopwatch()
    var clock = Stopwatch()
    var statistics = corpus.statistics
    let documents = corpus.documents
    let signatures = corpus.signatures
    let contentKeys = corpus.contentKeys
    func report(_ stage: String) {
      progress?(
        PipelineProgress(
          stage: stage, documents: documents.count, bytes: statistics.bytesRead, elapsed: started.elapsed))
    }
    let count = documents.count
    let threads = configuration.threads

    // Identical normalized texts: the first occurrence stands for the others.
    report("group")
    let identical = IdenticalTexts(contentKeys: contentKeys, isEmpty: documents.isEmpty)
    let canonical = identical.canonical
    let participants = identical.participants
    statistics.identicalDuplicates += identical.duplicateCount
    statistics.times.group = clock.lap()

    // Candidates from LSH bands, then verification.
    report("candidates")
    let lsh = configuration.resolvedLSH
    var generator = CandidateGenerator(lsh: lsh)
    let gapBandings = configuration.gapBandings
    generator.gapBandings = gapBandings
    let candidates = generator.candidates(
      in: signatures, among: participants, threads: threads, shingleCounts: documents.shingleCounts)
    statistics.candidatePairs = candidates.count
    statistics.times.candidates = clock.lap()

    report("verify")
    let verifier = CandidateVerifier(
      method: configuration.verification, measure: configuration.measure, threshold: configuration.threshold)
    let exactSets = configuration.verification == .exact ? corpus.digests : nil
    let edges = verifier.verify(
      candidates, digests: exactSets, setSizes: documents.shingleCounts, signatures: signatures, threads: threads)
    statistics.verifiedPairs = edges.count
    statistics.times.verify = clock.lap()

    // The listed pairs: the verified ones and each identical copy's with its first
    // occurrence, by (a, b). Final now, they go to `pairsReady` while the clusters
    // form from the verified pairs: union-find, representatives, similarities.
    report("cluster")
    var pairs = PairList(
      edges: edges, ids: documents.ids, canonicalDocuments: canonical, measure: configuration.measure)
    for document in 0..<count where canonical[document] != UInt32.max && Int(canonical[document]) != document {
      pairs.edges.append(Edge(Int(canonical[document]), document, similarity: 1))
    }
    pairs.edges.sort { ($0.a, $0.b) < ($1.a, $1.b) }
    let clustering = Clustering(keep: configuration.keep, linkage: configuration.linkage)
    var clusters: [Cluster] = []
    parallelForEach(chunkCount: pairsReady == nil ? 1 : 2, threads: threads) { task in
      guard task == 0 else { return pairsReady!(pairs) }
      clusters = signatures.withRows { rows in
        withOptionalSets(exactSets) { sets in
          clustering.clusters(canonical: canonical, edges: edges, lengths: documents.tokenCounts, threads: threads) {
            a, b in
            verifier.similarity(
              a, b, sets: sets, setSizes: documents.shingleCounts, signatures: rows,
              permutationCount: signatures.permutationCount)
          }
        }
      }
      let ids = documents.ids
      clusters.sort { lhs, rhs in
        lhs.size != rhs.size ? lhs.size > rhs.size : utf8Precedes(ids[lhs.representative], ids[rhs.representative])
      }
    }
    statistics.times.cluster = clock.lap()
    report("done")

    return ClusterResult(
      configuration: configuration, lsh: lsh, gapBandings: gapBandings, documents: documents, clusters: clusters,
      edges: pairs.edges, statistics: statistics, canonicalDocuments: canonical, digests: corpus.digests)
  }
}
