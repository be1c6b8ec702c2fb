import type { TensorDatatype } from '../tensor/datatype.js';
import { type OnnxAttributeValue, OnnxGraphBuilder, type OnnxInitializer } from './onnx-graph-builder.js';

/**
 * A view of a graph in which every tensor a learner names gets a prefix, except the
 * shared ones (the features input): several learners can then add their nodes to one
 * graph (an ensemble) although each names its outputs `probabilities`, `label`, ….
 */
export class ScopedGraph extends OnnxGraphBuilder {
  constructor(
    private readonly parent: OnnxGraphBuilder,
    private readonly prefix: string,
    private readonly shared: ReadonlySet<string>,
  ) {
    super();
  }

  /** The name a learner's tensor has in the parent graph. */
  scoped(name: string): string {
    return this.shared.has(name) || name === '' ? name : `${this.prefix}${name}`;
  }

  override opset(domain: string, version: number): this {
    this.parent.opset(domain, version);
    return this;
  }

  override input(name: string, datatype: TensorDatatype, shape: Array<number | string>): this {
    this.parent.input(this.scoped(name), datatype, shape);
    return this;
  }

  override output(name: string, datatype: TensorDatatype, shape: Array<number | string>): this {
    this.parent.output(this.scoped(name), datatype, shape);
    return this;
  }

  override initializer(init: OnnxInitializer): this {
    this.parent.initializer({ ...init, name: this.scoped(init.name) });
    return this;
  }

  override node(
    opType: string,
    inputs: string[],
    outputs: string[],
    attributes: Record<string, OnnxAttributeValue> = {},
    domain = '',
  ): this {
    this.parent.node(
      opType,
      inputs.map((n) => this.scoped(n)),
      outputs.map((n) => this.scoped(n)),
      attributes,
      domain,
    );
    return this;
  }

  override build(): Uint8Array {
    throw new Error('a scoped graph is built by its parent');
  }
}
