import type { ContractTemplate } from './template';

export const es: ContractTemplate = {
  title: 'Contrato de prestación de servicios',
  contractNumber: 'N.º de contrato',
  orderReference: 'Referencia del pedido',
  date: 'Fecha',
  parties: 'Partes',
  scope: 'Servicios contratados',
  seller: 'El prestador (tienda)',
  customer: 'El cliente',
  salesChannel: 'Canal de venta',
  channels: { IN_STORE: 'En tienda', ONLINE: 'En línea', PHONE: 'Por teléfono', PARTNER: 'Socio comercial' },
  columns: { description: 'Servicio', quantity: 'Cant.', listPrice: 'Precio tarifa', adjustment: 'Ajuste canal', total: 'Total' },
  listPriceTotal: 'Precio de tarifa',
  channelAdjustmentTotal: 'Ajuste del canal de venta',
  orderTotal: 'Precio del pedido (IVA incluido)',
  tvHeading: 'Ajustes tras la visita técnica',
  tvIntro: 'La visita técnica ha determinado los siguientes cambios, aceptados por el cliente:',
  tvAdded: 'Añadido',
  tvRemoved: 'Suprimido',
  tvExtraCost: 'Coste adicional',
  totalDue: 'Total a pagar (IVA incluido)',
  termsHeading: 'Condiciones',
  terms: [
    {
      heading: '1. Partes y objeto',
      body: 'El presente contrato se celebra entre la tienda indicada arriba, que actúa como prestador, y el cliente. Tiene por objeto la realización en el domicilio del cliente de los servicios enumerados, por profesionales cualificados designados por el prestador.',
    },
    {
      heading: '2. Precio y pago',
      body: 'El precio es el indicado en este contrato, impuestos incluidos, e incluye el ajuste propio del canal de venta. El pago se realiza según la modalidad acordada en la compra; cualquier coste adicional solo se aplicará si el cliente lo ha aceptado por escrito.',
    },
    {
      heading: '3. Derecho de desistimiento',
      body: 'Cuando el contrato se celebre a distancia o fuera del establecimiento, el cliente dispone de 14 días naturales desde su celebración para desistir sin indicar el motivo y sin penalización (arts. 102 y ss. del Real Decreto Legislativo 1/2007). Si solicita expresamente que el servicio comience antes, abonará la parte ya prestada.',
    },
    {
      heading: '4. Garantía',
      body: 'Los servicios están cubiertos por la garantía legal de conformidad del texto refundido de la Ley General para la Defensa de los Consumidores y Usuarios, sin perjuicio de las garantías comerciales del fabricante de los productos instalados.',
    },
    {
      heading: '5. Protección de datos',
      body: 'Los datos personales del cliente se tratan, conforme al Reglamento (UE) 2016/679 (RGPD), para ejecutar este contrato y cumplir obligaciones legales. El cliente puede ejercer sus derechos de acceso, rectificación, supresión, oposición, limitación y portabilidad ante la tienda y reclamar ante la Agencia Española de Protección de Datos.',
    },
  ],
  signatures: { customer: 'Firma del cliente', seller: 'Por la tienda' },
  page: (page, pages) => `Página ${page} de ${pages}`,
};
