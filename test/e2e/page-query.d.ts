export declare const pageQuerySource: string;
