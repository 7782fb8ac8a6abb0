// The engine tests' lab: one small client node, so that many fit on the test engines.
export const onePcTopology = (name: string) => `name: ${name}
networks:
  lan: { subnet: 10.10.0.0/24 }
nodes:
  pc:
    role: client
    networks: { lan: .10 }
    limits: { memory: 64m }
`;
