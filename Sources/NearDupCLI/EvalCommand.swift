import ArgumentParser
import Foundation
import NearDupCore

extension NearDup {
  /// `neardup eval`: how right is a clustering?
  struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "eval",
      abstract: "Measure a clustering run against the exact ground truth and the corpus's labels.",
      discussion: """
        Runs the clustering pipeline, then computes every pair whose exact Jaccard similarity \
        (and, with --measure containment, exact containment) reaches the threshold on the same \
        shingles, with an all-pairs join (prefix filtering over an inverted index, not LSH). \
        Reports pair precision, recall and F1, the candidate count; with labels, the adjusted \
        Rand index, B³ and pairwise precision and recall of the clusters, and the same for the \
        connected components of the exact Jaccard pairs; and cluster health: members less \
        similar to their representative than the threshold (chaining).
        """)

    @Argument(help: "Corpus files or directories; - reads standard input. Default: Corpus/.")
    var inputs: [String] = []
    @Option(help: "JSON field holding each record's true group (story); records without it form groups of their own.")
    var labelField = "story"
    @OptionGroup(title: "Input") var corpus: CorpusOptionGroup
    @OptionGroup(title: "Shingles and signatures") var sketch: SketchOptionGroup
    @OptionGroup(title: "Similarity") var similarity: SimilarityOptionGroup
    @OptionGroup(title: "Clustering") var clustering: ClusteringOptionGroup
    @Option(help: "Output format: text or json.")
    var format: ReportFormat = .text

    func run() throws {
      var options = corpus.corpusOptions
      options.labelField = labelField
      let inputs = try InputResolver.resolve(self.inputs, options: options)
      let configuration = try clustering.configuration(
        sketch: sketch.parameters(), similarity: similarity, keepsDigestSets: true)
      let progress = ProgressLine()
      let result: ClusterResult
      do {
        result = try ClusterPipeline(configuration: configuration).run(
          reader: CorpusReader(inputs: inputs, options: options)
        ) {
          progress.update($0)
        }
      } catch {
        progress.finish()
        throw error
      }
      progress.update(PipelineProgress(stage: "ground truth", documents: result.documents.count, bytes: 0, elapsed: 0))
      let evaluation = Evaluation(result, threads: clustering.threads)
      progress.finish()
      let name = inputs.map(\.label).joined(separator: ", ")
      switch format {
      case .text: print(Self.text(evaluation, result: result, name: name), terminator: "")
      case .json: print(Self.json(evaluation, result: result, name: name))
      }
    }

    static func text(_ evaluation: Evaluation, result: ClusterResult, name: String) -> String {
      let configuration = result.configuration
      let threshold = Format.fixed(configuration.threshold, 2)
      var lines: [String] = []
      lines.append("NearDup eval: \(name), \(Format.count(result.documents.count)) documents")
      lines.append(
        "Settings    \(configuration.measure.rawValue) ≥ \(threshold), \(configuration.sketch.shingle.rawValue) "
          + "\(configuration.sketch.shingleSize)-grams, \(configuration.sketch.scheme.rawValue), linkage \(configuration.linkage.rawValue), "
          + "cleaning \(configuration.sketch.cleaning.argumentText), boilerplate "
          + (configuration.boilerplateShare.map {
            "≥ \($0) (\(Format.count(result.statistics.boilerplateShingles)) shingles)"
          } ?? "off"))
      func pairLine(_ title: String, _ metrics: PairMetrics) -> String {
        "\(title)  \(Format.count(metrics.truth)) true, \(Format.count(metrics.predicted)) found, "
          + "\(Format.count(metrics.truePositives)) both: precision \(Format.fixed(metrics.precision, 4)), "
          + "recall \(Format.fixed(metrics.recall, 4)), F1 \(Format.fixed(metrics.f1, 4))"
      }
      lines.append(pairLine("Jaccard ≥ \(threshold) ", evaluation.jaccardPairs))
      if let containment = evaluation.containmentPairs {
        lines.append(pairLine("Contain ≥ \(threshold) ", containment))
      }
      lines.append(
        "Candidates  \(Format.count(result.statistics.candidatePairs)) from LSH, "
          + "\(Format.count(result.statistics.verifiedPairs)) verified; ground truth in \(Format.seconds(evaluation.groundTruthSeconds))"
      )
      func labelLine(_ title: String, _ metrics: ClusterMetrics) -> String {
        "\(title) ARI \(Format.fixed(metrics.adjustedRandIndex, 4)), B³ precision \(Format.fixed(metrics.bcubedPrecision, 4)), "
          + "recall \(Format.fixed(metrics.bcubedRecall, 4)), F1 \(Format.fixed(metrics.bcubedF1, 4)); "
          + "pairwise precision \(Format.fixed(metrics.pairPrecision, 4)), recall \(Format.fixed(metrics.pairRecall, 4))"
      }
      if let labels = evaluation.labels { lines.append(labelLine("Labels     ", labels)) }
      if let exact = evaluation.exactJaccardLabels { lines.append(labelLine("Exact J    ", exact)) }
      lines.append(
        "Health      \(Format.plural(result.clusters.count, "cluster")); largest "
          + result.clusters.prefix(5).map { String($0.size) }.joined(separator: ", ")
          + "; \(Format.count(evaluation.membersBelowThreshold)) members below \(threshold) of their representative, "
          + "\(Format.count(evaluation.membersBelowHalfThreshold)) below \(Format.fixed(configuration.threshold / 2, 2)); "
          + "lowest \(Format.fixed(evaluation.lowestMemberSimilarity, 4))")
      return lines.joined(separator: "\n") + "\n"
    }

    static func json(_ evaluation: Evaluation, result: ClusterResult, name: String) -> String {
      func pairObject(_ metrics: PairMetrics) -> [String: Any] {
        [
          "truth": metrics.truth, "predicted": metrics.predicted, "true_positives": metrics.truePositives,
          "precision": metrics.precision, "recall": metrics.recall, "f1": metrics.f1,
        ]
      }
      func labelObject(_ metrics: ClusterMetrics) -> [String: Any] {
        [
          "ari": metrics.adjustedRandIndex, "bcubed_precision": metrics.bcubedPrecision,
          "bcubed_recall": metrics.bcubedRecall, "bcubed_f1": metrics.bcubedF1, "pair_precision": metrics.pairPrecision,
          "pair_recall": metrics.pairRecall,
        ]
      }
      let configuration = result.configuration
      var object: [String: Any] = [
        "corpus": name, "documents": result.documents.count, "measure": configuration.measure.rawValue,
        "threshold": configuration.threshold, "linkage": configuration.linkage.rawValue,
        "sketch": configuration.sketch.scheme.rawValue, "shingle": configuration.sketch.shingle.rawValue,
        "ngram": configuration.sketch.shingleSize, "cleaning": configuration.sketch.cleaning.argumentText,
        "boilerplate": configuration.boilerplateShare ?? 0,
        "boilerplate_shingles": result.statistics.boilerplateShingles,
        "jaccard_pairs": pairObject(evaluation.jaccardPairs), "candidates": result.statistics.candidatePairs,
        "verified": result.statistics.verifiedPairs, "clusters": result.clusters.count,
        "largest_clusters": Array(result.clusters.prefix(5).map(\.size)),
        "members_below_threshold": evaluation.membersBelowThreshold,
        "members_below_half_threshold": evaluation.membersBelowHalfThreshold,
        "lowest_member_similarity": evaluation.lowestMemberSimilarity,
        "ground_truth_seconds": evaluation.groundTruthSeconds, "pipeline_seconds": result.statistics.times.total,
      ]
      if let containment = evaluation.containmentPairs { object["containment_pairs"] = pairObject(containment) }
      if let labels = evaluation.labels { object["labels"] = labelObject(labels) }
      if let exact = evaluation.exactJaccardLabels { object["exact_jaccard_labels"] = labelObject(exact) }
      let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
      return String(decoding: data, as: UTF8.self)
    }
  }
}
